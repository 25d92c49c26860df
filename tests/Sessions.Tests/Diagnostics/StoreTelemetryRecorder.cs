using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Sessions.Tests.Diagnostics;

/// <summary>Records the spans of the <c>Sessions</c> source (and of any other sources named) and the store's duration measurements while it lives.</summary>
internal sealed class StoreTelemetryRecorder : IDisposable
{
    private readonly ActivityListener _activityListener = new();
    private readonly MeterListener _meterListener = new();

    public StoreTelemetryRecorder(params string[] otherSources)
    {
        _activityListener.ShouldListenTo = source => source.Name == SessionDiagnostics.ActivitySourceName || otherSources.Contains(source.Name);
        _activityListener.Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded;
        _activityListener.ActivityStopped = Spans.Enqueue;
        ActivitySource.AddActivityListener(_activityListener);

        _meterListener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SessionDiagnostics.MeterName && instrument.Name == "sessions.store.operation.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meterListener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            string? operation = null, outcome = null;
            foreach (var tag in tags)
            {
                operation = tag.Key == "db.operation.name" ? tag.Value as string : operation;
                outcome = tag.Key == "sessions.outcome" ? tag.Value as string : outcome;
            }

            Durations.Enqueue((value, operation, outcome));
        });
        _meterListener.Start();
    }

    /// <summary>Gets the spans stopped so far.</summary>
    public ConcurrentQueue<Activity> Spans { get; } = new();

    /// <summary>Gets the duration measurements so far, with their operation and outcome tags.</summary>
    public ConcurrentQueue<(double Seconds, string? Operation, string? Outcome)> Durations { get; } = new();

    public void Dispose()
    {
        _activityListener.Dispose();
        _meterListener.Dispose();
    }
}
