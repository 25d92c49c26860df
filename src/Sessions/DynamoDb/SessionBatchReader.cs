using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;

namespace Sessions.DynamoDb;

/// <summary>
/// Reads sessions by id with consistent <c>BatchGetItem</c>s of up to 100 keys, retrying the keys the server left
/// unprocessed with jittered exponential backoff on the <see cref="TimeProvider"/>.
/// </summary>
internal sealed partial class SessionBatchReader
{
    public const int MaxBatchGetKeys = 100;
    public const int MaxUnprocessedRetries = 8;

    private readonly IAmazonDynamoDB _client;
    private readonly string _tableName;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Random _random;

    /// <summary>Initializes a reader of <paramref name="tableName"/>; <paramref name="random"/> is the jitter's source (<see cref="Random.Shared"/> when <see langword="null"/>; tests pass a seeded one).</summary>
    public SessionBatchReader(IAmazonDynamoDB client, string tableName, TimeProvider timeProvider, ILogger logger, Random? random = null)
    {
        _client = client;
        _tableName = tableName;
        _timeProvider = timeProvider;
        _logger = logger;
        _random = random ?? Random.Shared;
    }

    /// <summary>The wait before retry <paramref name="attempt"/> (0 first): 25 ms doubling up to 1 s, times a jitter in [0.5, 1.5).</summary>
    public static TimeSpan Backoff(int attempt, double jitter) =>
        TimeSpan.FromMilliseconds(Math.Min(25 * (1 << attempt), 1_000) * (0.5 + jitter));

    /// <summary>
    /// Reads the items of <paramref name="ids"/>; an id with no item is not in the answer. A corrupt item fails the read,
    /// unless <paramref name="onCorrupt"/> is given: it is then reported there and left out.
    /// </summary>
    /// <exception cref="SessionStoreException">Keys were still unprocessed after <see cref="MaxUnprocessedRetries"/> retries.</exception>
    public async Task<Dictionary<string, ServerSession>> ReadAsync(List<string> ids, Action<SessionCorruptException>? onCorrupt, CancellationToken cancellationToken)
    {
        var sessions = new Dictionary<string, ServerSession>(ids.Count, StringComparer.Ordinal);
        for (var offset = 0; offset < ids.Count; offset += MaxBatchGetKeys)
        {
            var keys = ids.Skip(offset).Take(MaxBatchGetKeys).Distinct(StringComparer.Ordinal).Select(SessionItem.Key).ToList();
            var pending = new Dictionary<string, KeysAndAttributes>(1, StringComparer.Ordinal)
            {
                [_tableName] = new KeysAndAttributes { Keys = keys, ConsistentRead = true },
            };
            for (var attempt = 0; ; attempt++)
            {
                var response = await _client.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = pending }, cancellationToken).ConfigureAwait(false);
                if (response.Responses is not null && response.Responses.TryGetValue(_tableName, out var items))
                {
                    Add(items, sessions, onCorrupt);
                }

                if (response.UnprocessedKeys is not { Count: > 0 } unprocessed)
                {
                    break;
                }

                var left = unprocessed.Sum(u => u.Value.Keys?.Count ?? 0);
                if (attempt == MaxUnprocessedRetries)
                {
                    throw new SessionStoreException(
                        $"BatchGetItem on table '{_tableName}' left {left} keys unprocessed after {MaxUnprocessedRetries} retries.",
                        sessionId: null, SessionStoreOperations.BatchGet, _tableName, innerException: null);
                }

                var delay = Backoff(attempt, _random.NextDouble());
                Log.RetryingUnprocessedKeys(_logger, _tableName, left, delay);
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
                pending = unprocessed;
            }
        }

        return sessions;
    }

    private void Add(List<Dictionary<string, AttributeValue>> items, Dictionary<string, ServerSession> sessions, Action<SessionCorruptException>? onCorrupt)
    {
        foreach (var item in items)
        {
            ServerSession session;
            try
            {
                session = SessionItem.FromItem(item);
            }
            catch (SessionCorruptException corrupt) when (onCorrupt is not null)
            {
                onCorrupt(new SessionCorruptException(corrupt.SessionId, corrupt.AttributeName, $"{corrupt.Message} (table '{_tableName}')", SessionStoreOperations.BatchGet, _tableName));
                continue;
            }

            sessions[session.Id] = session;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "BatchGetItem on table {TableName} left {Count} keys unprocessed; retrying in {Delay}")]
        public static partial void RetryingUnprocessedKeys(ILogger logger, string tableName, int count, TimeSpan delay);
    }
}
