using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;
using Sessions.Paging;

namespace Sessions.DynamoDb;

// The reads by index: each queries a KEYS_ONLY index for keys, reads the items with a consistent BatchGetItem
// (SessionBatchReader) and keeps what SessionList says still belongs, newest first; items it cannot read as sessions
// are reported beside the page (SessionPage.Unreadable).
public sealed partial class DynamoDbSessionStore
{
    /// <inheritdoc />
    public Task<ServerSession?> FindActiveByServerInstanceAsync(string serverInstanceId, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidKey(serverInstanceId);
        return _instrumentation.RunAsync(SessionStoreOperations.FindActiveByServerInstance, null, async ct =>
        {
            var ids = new List<string>(1);
            Dictionary<string, AttributeValue>? startKey = null;
            do
            {
                var response = await _local.Client.QueryAsync(_local.Requests.ActiveOfInstance(serverInstanceId, startKey), ct).ConfigureAwait(false);
                ids.AddRange(KeysOf(response.Items).Select(key => key.Id));
                startKey = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
            }
            while (startKey is not null);

            // An item that cannot be read as a session is never served (Touch refuses it): it is logged and passed over,
            // so that it cannot hide the instance's readable session.
            IEnumerable<ServerSession> candidates = ids.Count switch
            {
                0 => [],
                1 => await ReadReadableAsync(ids[0], ct).ConfigureAwait(false) is { } one ? [one] : [],
                _ => (await _batchReader.ReadAsync(ids, PassOver, ct).ConfigureAwait(false)).Values,
            };

            return SessionList.ActiveOf(serverInstanceId).Newest(candidates);
        }, cancellationToken);
    }

    private async Task<ServerSession?> ReadReadableAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (SessionCorruptException corrupt)
        {
            PassOver(corrupt);
            return null;
        }
    }

    private void PassOver(SessionCorruptException corrupt)
    {
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            Log.PassedOverUnreadable(_logger, SessionStoreOperations.FindActiveByServerInstance, _tableName, corrupt.Message);
        }
    }

    /// <inheritdoc />
    public Task<SessionPage> ListByUserAsync(string user, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidKey(user);
        return ListIndexAsync(SessionList.ByUser(user), SessionTable.UserIndex, SessionItem.User, user, page, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SessionPage> ListByStatusAsync(SessionStatus status, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidStatus(status);
        return ListIndexAsync(SessionList.ByStatus(status), SessionTable.StatusIndex, SessionItem.Status, status.ToStorageString(), page, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SessionPage> ListByProfileAsync(string profile, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidKey(profile);
        return ListIndexAsync(SessionList.ByProfile(profile), SessionTable.ProfileIndex, SessionItem.Profile, profile, page, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SessionPage> ListByTimeRangeAsync(DateTimeOffset createdFrom, DateTimeOffset createdBefore, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidRange(createdFrom, createdBefore);
        var list = SessionList.ByTimeRange(createdFrom, createdBefore);
        var cursor = list.Start(page);
        if (list.IsEmpty || cursor.State == PageCursorState.Done)
        {
            return Task.FromResult(SessionPage.Empty);
        }

        var limit = (page ?? PageRequest.First).EffectiveLimit;
        return _instrumentation.RunAsync(list.Operation, null, async ct =>
        {
            // One query per status partition of gsi-status, each newest first from the same cursor, merged into one
            // newest-first page. Active first: a session only ever leaves Active, so one that changes status between
            // the queries is in a later query's partition, never in none. The key range reaches past the true range by
            // as much as other writers' forms of created_at can differ from the stored form; the keys beyond the true
            // range are dropped by their true instant before any item is read.
            var range = SessionTimestamp.KeyRange(createdFrom, createdBefore);
            var keys = (SessionItem.S(range.Low), SessionItem.S(range.High));
            var active = await QueryIndexAsync(SessionTable.StatusIndex, SessionItem.Status, ActiveStatus, cursor, limit, keys, ct).ConfigureAwait(false);
            var terminal = await Task.WhenAll(
                QueryIndexAsync(SessionTable.StatusIndex, SessionItem.Status, SessionStatus.Revoked.ToStorageString(), cursor, limit, keys, ct),
                QueryIndexAsync(SessionTable.StatusIndex, SessionItem.Status, SessionStatus.Expired.ToStorageString(), cursor, limit, keys, ct)).ConfigureAwait(false);
            var (taken, next) = IndexPageMerge.Merge([active, .. terminal], limit);

            taken.RemoveAll(k => !list.MayHold(k.CreatedAt));
            var unreadable = new List<SessionCorruptException>();
            var items = await _batchReader.ReadAsync(taken.Select(k => k.Id).ToList(), unreadable.Add, ct).ConfigureAwait(false);
            var sessions = list.Page(taken.Select(k => items.GetValueOrDefault(k.Id)));
            var token = next.State == PageCursorState.Done ? null : PageToken.Encode(list.Query, [next]);
            return new SessionPage(sessions, token) { Unreadable = unreadable };
        }, cancellationToken);
    }

    private Task<SessionPage> ListIndexAsync(
        SessionList list, string indexName, string partitionAttribute, string partitionValue, PageRequest? page, CancellationToken cancellationToken)
    {
        var cursor = list.Start(page);
        if (cursor.State == PageCursorState.Done)
        {
            return Task.FromResult(SessionPage.Empty);
        }

        var limit = (page ?? PageRequest.First).EffectiveLimit;
        return _instrumentation.RunAsync(list.Operation, null, async ct =>
        {
            var index = await QueryIndexAsync(indexName, partitionAttribute, partitionValue, cursor, limit, range: null, ct).ConfigureAwait(false);
            // An item that cannot be read as a session is reported beside the page, never fails it.
            var unreadable = new List<SessionCorruptException>();
            var items = await _batchReader.ReadAsync(index.Keys.Select(k => k.Id).ToList(), unreadable.Add, ct).ConfigureAwait(false);

            // The index is eventually consistent: keep only items whose consistent, current state still matches. The
            // index orders by the string of created_at; the page, by its true instant.
            var sessions = list.Page(index.Keys.Select(k => items.GetValueOrDefault(k.Id)));
            var token = index.Next.State == PageCursorState.Done ? null : PageToken.Encode(list.Query, [index.Next]);
            return new SessionPage(sessions, token) { Unreadable = unreadable };
        }, cancellationToken);
    }

    /// <summary>One page of keys from an index partition, newest first, and where the next page starts.</summary>
    private async Task<IndexPage> QueryIndexAsync(
        string indexName, string partitionAttribute, string partitionValue, PageCursor cursor, int limit,
        (AttributeValue From, AttributeValue To)? range, CancellationToken cancellationToken)
    {
        var request = _local.Requests.IndexPage(indexName, partitionAttribute, partitionValue, cursor, limit, range);
        var response = await _local.Client.QueryAsync(request, cancellationToken).ConfigureAwait(false);
        var next = response.LastEvaluatedKey is { Count: > 0 } last ? IndexKey.From(last).Cursor : PageCursor.Done;
        return new IndexPage(KeysOf(response.Items).ToList(), next);
    }

    private static IEnumerable<IndexKey> KeysOf(List<Dictionary<string, AttributeValue>>? items) =>
        (items ?? []).Select(IndexKey.From);
}
