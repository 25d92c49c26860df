using System.Collections.Concurrent;
using System.Threading.Channels;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Sessions.DynamoDb;

namespace Sessions.TestSupport.Replication;

/// <summary>
/// Simulates a DynamoDB global table in multi-Region eventual consistency (MREC) across two Regions: a session table of
/// the same name on each of the two DynamoDB Local servers of <see cref="TwoRegionServers"/>, and a replicator that carries
/// every item write made in one Region to the other after <see cref="Delay"/>, resolving conflicts as MREC does — the last
/// writer wins, on the whole item, by the write's timestamp. A write that reaches a Region holding a later write of the
/// same item is discarded there.
/// </summary>
/// <remarks>
/// <para><b>How writes are captured.</b> Applications write through <see cref="CreateClient"/>. On that client's wire,
/// every <c>PutItem</c>, <c>UpdateItem</c> and <c>DeleteItem</c> of the table takes its Region's write gate, reads the
/// item, sends the write, and — if the server applied it and the item changed — reads the whole new item and stamps it.
/// The stamp comes from one clock both Regions share (<c>max(now, last stamp + 1 tick)</c> on the replicator's
/// <see cref="TimeProvider"/>), so stamps are unique, keep the order of the writes within a Region, and order writes of
/// the two Regions as they happened: a write that started after another one returned has the larger stamp. Replicated
/// writes are applied under the receiving Region's gate too, so each captured image is exactly what its write left.
/// DynamoDB Streams were not used: DynamoDB Local stamps stream records (<c>ApproximateCreationDateTime</c>) only to the
/// minute, far too coarse to order writes, and records updates that change nothing.</para>
/// <para><b>How writes are carried.</b> Each direction is a queue in capture order; a write is applied
/// <see cref="Delay"/> after its capture (on the replicator's <see cref="TimeProvider"/>) as a whole-item <c>PutItem</c>
/// or a <c>DeleteItem</c>, unless the receiving Region holds a write of the item with a larger stamp (its own or one
/// carried earlier), which wins: the write is counted as discarded. Deletes are remembered as stamps too.</para>
/// <para><b>Limits of the simulation.</b> One clock for both Regions: no clock skew between Regions, and no two writes with
/// the same timestamp. Writes of one Region arrive in the order they were made, all items alike (DynamoDB promises no
/// order across items, and replicates partitions in parallel); with last writer wins the end state is the same. Writes in
/// a Region are serialized by its gate, and each costs two extra consistent reads. Only writes through
/// <see cref="CreateClient"/> are replicated: TTL deletes, and writes through any other client, are not. Multi-item
/// writes (<c>BatchWriteItem</c>, <c>TransactWriteItems</c>) of the table are refused. A write that changes nothing is not
/// carried. There is no MRSC: no write is ever refused as a replicated write conflict.</para>
/// </remarks>
public sealed class TwoRegionReplicator : IAsyncDisposable
{
    private static readonly TimeSpan DefaultQuiescenceTimeout = TimeSpan.FromSeconds(30);

    private readonly TwoRegionServers _servers;
    private readonly TimeProvider _time;
    private readonly RegionState _a;
    private readonly RegionState _b;
    private readonly Link _aToB;
    private readonly Link _bToA;
    private readonly ConcurrentQueue<CapturedWrite> _log = new();
    private readonly ConcurrentBag<IDisposable> _clients = [];
    private readonly CancellationTokenSource _stopping = new();
    private Task[] _pumps = [];
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastStamp;
    private long _crossRegionRefused;
    private volatile bool _networkCut;
    private Exception? _fault;

    private TwoRegionReplicator(TwoRegionServers servers, string tableName, TimeSpan delay, TimeProvider time)
    {
        _servers = servers;
        _time = time;
        TableName = tableName;
        Delay = delay;
        _a = new RegionState(SimulatedRegion.A, servers.CreateClient(SimulatedRegion.A));
        _b = new RegionState(SimulatedRegion.B, servers.CreateClient(SimulatedRegion.B));
        _aToB = new Link(_a, _b);
        _bToA = new Link(_b, _a);
    }

    /// <summary>Gets the name of the replicated table, the same in both Regions.</summary>
    public string TableName { get; }

    /// <summary>Gets how long after its capture a write is carried to the other Region (on the replicator's clock).</summary>
    public TimeSpan Delay { get; }

    /// <summary>Gets every write captured so far, in stamp order per Region.</summary>
    public IReadOnlyList<CapturedWrite> Log => [.. _log];

    /// <summary>Gets what the replicator captured, carried and discarded so far.</summary>
    public ReplicationCounts Counts => new(
        Interlocked.Read(ref _aToB.Enqueued), Interlocked.Read(ref _bToA.Enqueued),
        Interlocked.Read(ref _aToB.Carried), Interlocked.Read(ref _bToA.Carried),
        Interlocked.Read(ref _aToB.Discarded), Interlocked.Read(ref _bToA.Discarded));

    internal IReadOnlyList<string> KeyAttributes { get; private set; } = [];

    /// <summary>
    /// Creates <paramref name="tableName"/> as a session table in both Regions (<see cref="SessionTable.EnsureCreatedAsync"/>)
    /// and starts carrying writes between them.
    /// </summary>
    /// <param name="servers">The two Regions' servers.</param>
    /// <param name="tableName">The table, created in both Regions when missing.</param>
    /// <param name="delay">How long after its capture a write is carried; zero carries it at once.</param>
    /// <param name="timeProvider">The clock of the delay and of the timestamps; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the table creation.</param>
    public static async Task<TwoRegionReplicator> StartAsync(
        TwoRegionServers servers, string tableName, TimeSpan delay, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        var replicator = new TwoRegionReplicator(servers, tableName, delay, timeProvider ?? TimeProvider.System);
        try
        {
            await Task.WhenAll(
                SessionTable.EnsureCreatedAsync(replicator._a.Client, tableName, cancellationToken),
                SessionTable.EnsureCreatedAsync(replicator._b.Client, tableName, cancellationToken));
            var described = await replicator._a.Client.DescribeTableAsync(new DescribeTableRequest { TableName = tableName }, cancellationToken);
            replicator.KeyAttributes = [.. described.Table.KeySchema.Select(k => k.AttributeName)];
        }
        catch
        {
            await replicator.DisposeAsync();
            throw;
        }

        replicator._pumps =
        [
            Task.Run(() => replicator.PumpAsync(replicator._aToB), CancellationToken.None),
            Task.Run(() => replicator.PumpAsync(replicator._bToA), CancellationToken.None),
        ];
        return replicator;
    }

    /// <summary>
    /// Creates a client of <paramref name="region"/> for an application: its item writes to the table are replicated to
    /// the other Region; everything else (reads, other tables) passes as it is. The replicator disposes it.
    /// </summary>
    public IAmazonDynamoDB CreateClient(SimulatedRegion region) => CreateClient(region, from: region);

    /// <summary>
    /// Creates a client of <paramref name="region"/>'s replica for an application running in <paramref name="from"/>: as
    /// <see cref="CreateClient(SimulatedRegion)"/>, and when the two differ, its requests cross the network between the
    /// Regions, which <see cref="CutOffAsync"/> cuts too: until <see cref="Heal"/>, each request fails before it reaches the
    /// server, as a refused connection does (<see cref="HttpRequestException"/>), so nothing it carried was applied.
    /// <paramref name="observer"/>, when given, sees every request the application sends, before the network.
    /// </summary>
    public IAmazonDynamoDB CreateClient(SimulatedRegion region, SimulatedRegion from, DelegatingHandler? observer = null)
    {
        DelegatingHandler handler = new RegionWriteCapture(this, region);
        if (from != region)
        {
            handler = new CrossRegionNetwork(this) { InnerHandler = handler };
        }

        if (observer is not null)
        {
            observer.InnerHandler = handler;
            handler = observer;
        }

        var client = _servers.CreateClient(region, handler);
        _clients.Add(client);
        return client;
    }

    /// <summary>Gets how many requests between the Regions failed because the network between them was cut.</summary>
    public long CrossRegionRequestsRefused => Interlocked.Read(ref _crossRegionRefused);

    /// <summary>
    /// Stops carrying writes made in <paramref name="from"/> to the other Region, as when the link between them fails;
    /// they queue up and are carried after <see cref="Resume"/>. Returns once no write of that direction is being applied.
    /// </summary>
    public async Task PauseAsync(SimulatedRegion from)
    {
        var link = LinkFrom(from);
        await link.Delivering.WaitAsync();
        try
        {
            lock (link)
            {
                if (!link.Paused)
                {
                    link.Paused = true;
                    link.Resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }
        finally
        {
            link.Delivering.Release();
        }
    }

    /// <summary>Carries writes made in <paramref name="from"/> again, the queued ones first, in order.</summary>
    public void Resume(SimulatedRegion from)
    {
        var link = LinkFrom(from);
        lock (link)
        {
            link.Paused = false;
            link.Resumed.TrySetResult();
        }
    }

    /// <summary>
    /// Cuts <paramref name="region"/> off: no write is carried to it or from it, and no request of a cross-Region client
    /// (<see cref="CreateClient(SimulatedRegion, SimulatedRegion, DelegatingHandler?)"/>) gets through, until <see cref="Heal"/>.
    /// </summary>
    public async Task CutOffAsync(SimulatedRegion region)
    {
        _networkCut = true;
        await PauseAsync(region);
        await PauseAsync(Other(region));
    }

    /// <summary>Resumes both directions, and the network between the Regions.</summary>
    public void Heal()
    {
        _networkCut = false;
        Resume(SimulatedRegion.A);
        Resume(SimulatedRegion.B);
    }

    /// <summary>
    /// Waits until every write captured before this call has been carried to the other Region or discarded there
    /// (quiescence). A paused direction is waited for until it is resumed.
    /// </summary>
    /// <param name="timeout">How long to wait at most (real time); 30 seconds when <see langword="null"/>.</param>
    /// <exception cref="TimeoutException">Writes were still pending after <paramref name="timeout"/>; the message says how many, per direction.</exception>
    /// <exception cref="InvalidOperationException">Applying a write failed; the cause is inside.</exception>
    public async Task WaitUntilQuiescentAsync(TimeSpan? timeout = null)
    {
        var targets = (AToB: Interlocked.Read(ref _aToB.Enqueued), BToA: Interlocked.Read(ref _bToA.Enqueued));
        using var limit = new CancellationTokenSource(timeout ?? DefaultQuiescenceTimeout);
        while (true)
        {
            var progress = Volatile.Read(ref _progress).Task;
            if (Volatile.Read(ref _fault) is { } fault)
            {
                throw new InvalidOperationException("The replicator could not apply a write.", fault);
            }

            if (Interlocked.Read(ref _aToB.Done) >= targets.AToB && Interlocked.Read(ref _bToA.Done) >= targets.BToA)
            {
                return;
            }

            try
            {
                await progress.WaitAsync(limit.Token);
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"Writes still pending after {(timeout ?? DefaultQuiescenceTimeout).TotalSeconds:0.#} s: A to B {targets.AToB - Interlocked.Read(ref _aToB.Done)}"
                    + $"{(_aToB.Paused ? " (paused)" : string.Empty)}, B to A {targets.BToA - Interlocked.Read(ref _bToA.Done)}{(_bToA.Paused ? " (paused)" : string.Empty)}.");
            }
        }
    }

    /// <summary>Stops carrying writes and disposes every client the replicator made.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _aToB.Queue.Writer.TryComplete();
        _bToA.Queue.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_pumps);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _a.Client.Dispose();
        _b.Client.Dispose();
        _stopping.Dispose();
    }

    /// <summary>
    /// Sends one item write made in <paramref name="region"/> under the Region's gate and captures the whole item it left,
    /// stamped, for the other Region. A write the server refused, or one that changed nothing, is not captured.
    /// </summary>
    internal async Task<HttpResponseMessage> CaptureAsync(
        SimulatedRegion region, Dictionary<string, AttributeValue> key, Func<CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        var state = region == SimulatedRegion.A ? _a : _b;
        await state.Gate.WaitAsync(cancellationToken);
        try
        {
            var before = await ReadAsync(state, key, cancellationToken);
            var response = await send(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return response;
            }

            // The write was applied: capture it even if the caller gives up now.
            var after = await ReadAsync(state, key, CancellationToken.None);
            if (ItemImages.Equal(before, after))
            {
                return response;
            }

            var write = new CapturedWrite(region, key, after, NextStamp());
            state.Stamps[write.KeyText] = write.Stamp;
            _log.Enqueue(write);
            var link = LinkFrom(region);
            Interlocked.Increment(ref link.Enqueued);
            link.Queue.Writer.TryWrite((write, _time.GetTimestamp()));
            return response;
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private async Task PumpAsync(Link link)
    {
        var stopping = _stopping.Token;
        await foreach (var (write, capturedAt) in link.Queue.Reader.ReadAllAsync(stopping))
        {
            var wait = Delay - _time.GetElapsedTime(capturedAt);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, stopping);
            }

            await WhilePausedAsync(link, stopping);
            try
            {
                await ApplyAsync(link, write, stopping);
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                Interlocked.CompareExchange(ref _fault, ex, null);
            }
            finally
            {
                link.Delivering.Release();
                Interlocked.Increment(ref link.Done);
                Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
        }
    }

    /// <summary>Returns holding <see cref="Link.Delivering"/> once the link is not paused.</summary>
    private static async Task WhilePausedAsync(Link link, CancellationToken cancellationToken)
    {
        while (true)
        {
            await link.Delivering.WaitAsync(cancellationToken);
            Task resumed;
            lock (link)
            {
                if (!link.Paused)
                {
                    return;
                }

                resumed = link.Resumed.Task;
            }

            link.Delivering.Release();
            await resumed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Applies <paramref name="write"/> to the receiving Region unless it holds a later write of the item: last writer wins.</summary>
    private async Task ApplyAsync(Link link, CapturedWrite write, CancellationToken cancellationToken)
    {
        var to = link.To;
        await to.Gate.WaitAsync(cancellationToken);
        try
        {
            if (to.Stamps.TryGetValue(write.KeyText, out var current) && current > write.Stamp)
            {
                Interlocked.Increment(ref link.Discarded);
                return;
            }

            if (write.Image is null)
            {
                await to.Client.DeleteItemAsync(new DeleteItemRequest { TableName = TableName, Key = write.Key }, cancellationToken);
            }
            else
            {
                await to.Client.PutItemAsync(new PutItemRequest { TableName = TableName, Item = write.Image }, cancellationToken);
            }

            to.Stamps[write.KeyText] = write.Stamp;
            Interlocked.Increment(ref link.Carried);
        }
        finally
        {
            to.Gate.Release();
        }
    }

    private async Task<Dictionary<string, AttributeValue>?> ReadAsync(RegionState state, Dictionary<string, AttributeValue> key, CancellationToken cancellationToken)
    {
        var response = await state.Client.GetItemAsync(new GetItemRequest { TableName = TableName, Key = key, ConsistentRead = true }, cancellationToken);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    /// <summary>The next timestamp on the clock both Regions share: now, or one tick after the last stamp if that is later.</summary>
    private long NextStamp()
    {
        var now = _time.GetUtcNow().UtcTicks;
        while (true)
        {
            var last = Interlocked.Read(ref _lastStamp);
            var next = Math.Max(now, last + 1);
            if (Interlocked.CompareExchange(ref _lastStamp, next, last) == last)
            {
                return next;
            }
        }
    }

    private Link LinkFrom(SimulatedRegion from) => from == SimulatedRegion.A ? _aToB : _bToA;

    private static SimulatedRegion Other(SimulatedRegion region) => region == SimulatedRegion.A ? SimulatedRegion.B : SimulatedRegion.A;

    /// <summary>One Region: a client that bypasses capture, the gate every write of the table passes, and the stamp of each item's current version.</summary>
    private sealed class RegionState(SimulatedRegion name, IAmazonDynamoDB client)
    {
        public SimulatedRegion Name { get; } = name;

        public IAmazonDynamoDB Client { get; } = client;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        /// <summary>The stamp of the write each item (or its deletion) last took, by key text; read and written under <see cref="Gate"/>.</summary>
        public Dictionary<string, long> Stamps { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>One direction: its queue in capture order, whether it is paused, and its counts.</summary>
    private sealed class Link(RegionState from, RegionState to)
    {
        public readonly Channel<(CapturedWrite Write, long CapturedAt)> Queue = Channel.CreateUnbounded<(CapturedWrite, long)>(new UnboundedChannelOptions { SingleReader = true });
        public readonly SemaphoreSlim Delivering = new(1, 1);
        public long Enqueued;
        public long Done;
        public long Carried;
        public long Discarded;
        public volatile bool Paused;
        public TaskCompletionSource Resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public RegionState From { get; } = from;

        public RegionState To { get; } = to;
    }

    /// <summary>The network between the two Regions, as an application's cross-Region client sees it: refused while cut.</summary>
    private sealed class CrossRegionNetwork(TwoRegionReplicator replicator) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (replicator._networkCut)
            {
                Interlocked.Increment(ref replicator._crossRegionRefused);
                throw new HttpRequestException("The network between the simulated Regions is cut (connection refused).");
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
