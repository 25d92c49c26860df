using Microsoft.Extensions.Logging;
using Sessions.Samples.CredentialServer;

namespace Sessions.Tests.Samples;

/// <summary>A logger of the sample's refusal log that keeps every entry, with its exception.</summary>
internal sealed class RecordingLogger : ILogger<RefusalLog>
{
    private readonly List<Entry> _entries = [];

    public IReadOnlyList<Entry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add(new Entry(eventId.Id, logLevel, formatter(state, exception), exception));
        }
    }

    public sealed record Entry(int Id, LogLevel Level, string Message, Exception? Exception);
}
