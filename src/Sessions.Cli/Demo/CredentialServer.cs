using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Sessions.Cli.Demo;

/// <summary>
/// The demo's credential server: a load balancer hands the numbered requests to the workers in turn (worker k gets
/// requests k, k + workers, k + 2 × workers, ...), and each worker serves its requests the way a real server does, by
/// touching the session first and stopping for good when the Touch is refused.
/// </summary>
/// <remarks>
/// The operator steps in once half the requests are served: requests of the second half wait until the operator is
/// done (<see cref="Resume"/>), so the revocation always lands mid-run, however fast the store is. With at least two
/// requests per worker, every worker holds a request of the second half, whose Touch is refused: every worker stops
/// on its next Touch.
/// </remarks>
internal sealed class CredentialServer
{
    private readonly ISessionStore _store;
    private readonly string _sessionId;
    private readonly long _requests;
    private readonly int _workers;
    private readonly long _quarter;
    private readonly long _half;
    private readonly TaskCompletionSource _quarterServed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<long> _halfServed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _served;

    public CredentialServer(ISessionStore store, string sessionId, long requests, int workers)
    {
        _store = store;
        _sessionId = sessionId;
        _requests = requests;
        _workers = workers;
        _half = requests / 2;
        _quarter = Math.Max(1, requests / 4);
    }

    /// <summary>Gets a task that completes once a quarter of the requests are served.</summary>
    public Task QuarterServed => _quarterServed.Task;

    /// <summary>Gets a task that completes, with the Stopwatch timestamp, once half the requests are served.</summary>
    public Task<long> HalfServed => _halfServed.Task;

    /// <summary>Gets the number of requests served so far.</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <summary>Lets the second half of the requests through, once the operator has acted.</summary>
    public void Resume() => _resume.TrySetResult();

    /// <summary>Runs the workers until each one stops; completes with how each one ended.</summary>
    /// <remarks>Each worker starts by waiting for its first request, on the thread pool's global queue, so all are queued in turn.</remarks>
    public Task<WorkerResult[]> ServeAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(1, _workers).Select(worker => WorkAsync(worker, cancellationToken)).ToArray());

    private async Task<WorkerResult> WorkAsync(int worker, CancellationToken cancellationToken)
    {
        var touches = new List<long>((int)Math.Min(_requests / _workers * 2, 1 << 20));
        for (long request = worker; ; request += _workers)
        {
            await NextRequestAsync();
            if (request > _requests)
            {
                return new WorkerResult(worker, touches.Count, touches, Stopwatch.GetTimestamp(), StoppedBy: null);
            }

            if (request > _half)
            {
                await _resume.Task.WaitAsync(cancellationToken);
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                await _store.TouchAsync(_sessionId, cancellationToken);
            }
            catch (SessionNotActiveException refused)
            {
                // The hot-path rule: a refused Touch means this session must never serve again.
                return new WorkerResult(worker, touches.Count, touches, Stopwatch.GetTimestamp(), refused);
            }

            var finished = Stopwatch.GetTimestamp();
            touches.Add(finished - started);
            var served = Interlocked.Increment(ref _served);
            if (served == _quarter)
            {
                _quarterServed.TrySetResult();
            }

            if (served == _half)
            {
                _halfServed.TrySetResult(finished);
            }
        }
    }

    /// <summary>
    /// Waits for the next request the way network I/O would: the worker always resumes from the back of the thread
    /// pool's global queue, so workers take turns even when the store answers synchronously (the in-memory store).
    /// </summary>
    private static NextRequest NextRequestAsync() => default;

    private readonly struct NextRequest : ICriticalNotifyCompletion
    {
        public bool IsCompleted => false;

        public NextRequest GetAwaiter() => this;

        public void GetResult()
        {
        }

        public void OnCompleted(Action continuation) =>
            ThreadPool.QueueUserWorkItem(static next => next(), continuation, preferLocal: false);

        public void UnsafeOnCompleted(Action continuation) =>
            ThreadPool.UnsafeQueueUserWorkItem(static next => next(), continuation, preferLocal: false);
    }
}
