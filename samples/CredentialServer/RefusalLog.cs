using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Sessions.Samples.CredentialServer;

/// <summary>
/// Logs every refused credential request once per distinct cause: the first at once (Warning, with the client and the
/// exception, if any), the rest as one count per cause every <see cref="CredentialServerOptions.RefusalLogInterval"/>,
/// so an outage or a misconfigured client writes a few lines a minute, not one per request. Causes hold only text the
/// server chose or escaped (<see cref="EscapedText"/>); at most <see cref="MaxCauses"/> are told apart.
/// </summary>
internal sealed partial class RefusalLog : IDisposable
{
    /// <summary>How many distinct causes are kept apart; refusals of further causes are counted together.</summary>
    public const int MaxCauses = 100;

    private static readonly Cause s_otherCauses = new(0, "Other", "causes beyond the first 100 distinct ones");

    private readonly ConcurrentDictionary<Cause, Counter> _causes = new();
    private readonly ILogger<RefusalLog> _logger;
    private readonly TimeSpan _interval;
    private readonly ITimer _timer;

    public RefusalLog(IOptions<CredentialServerOptions> options, TimeProvider timeProvider, ILogger<RefusalLog> logger)
    {
        _logger = logger;
        _interval = options.Value.RefusalLogInterval;
        _timer = timeProvider.CreateTimer(static state => ((RefusalLog)state!).Flush(), this, _interval, _interval);
    }

    /// <summary>Records one refusal.</summary>
    /// <param name="statusCode">The HTTP status answered.</param>
    /// <param name="code">The answer's code, for example <c>SessionRevoked</c>.</param>
    /// <param name="cause">What caused it, already escaped; refusals with the same status, code and cause are one cause.</param>
    /// <param name="client">Who asked (address and user agent, escaped), logged with the first refusal of a cause only.</param>
    /// <param name="exception">The fault behind the refusal, if any, logged with the first refusal of its cause only.</param>
    public void Record(int statusCode, string code, string cause, string client, Exception? exception = null)
    {
        var key = new Cause(statusCode, code, cause);
        if (_causes.TryGetValue(key, out var counter))
        {
            counter.Increment();
            return;
        }

        if (_causes.Count >= MaxCauses)
        {
            _causes.GetOrAdd(s_otherCauses, static _ => new Counter()).Increment();
            return;
        }

        if (_causes.TryAdd(key, new Counter()))
        {
            LogFirst(_logger, exception, statusCode, code, cause, client, _interval);
        }
        else
        {
            _causes[key].Increment();
        }
    }

    /// <summary>Logs, for each cause refused since the last time, how many more times it was.</summary>
    public void Flush()
    {
        foreach (var (cause, counter) in _causes)
        {
            var count = counter.Take();
            if (count > 0)
            {
                LogRepeated(_logger, count, cause.StatusCode, cause.Code, cause.Text, _interval);
            }
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        Flush();
    }

    [LoggerMessage(20, LogLevel.Warning, "Refused a credential request: {StatusCode} {Code}, {Cause}. Client: {Client}. Further refusals of this cause are counted and logged every {Interval}.")]
    private static partial void LogFirst(ILogger logger, Exception? exception, int statusCode, string code, string cause, string client, TimeSpan interval);

    [LoggerMessage(21, LogLevel.Warning, "Refused {Count} more credential requests in the last {Interval}: {StatusCode} {Code}, {Cause}.")]
    private static partial void LogRepeated(ILogger logger, long count, int statusCode, string code, string cause, TimeSpan interval);

    private readonly record struct Cause(int StatusCode, string Code, string Text);

    private sealed class Counter
    {
        private long _count;

        public void Increment() => Interlocked.Increment(ref _count);

        public long Take() => Interlocked.Exchange(ref _count, 0);
    }
}
