namespace Sessions;

/// <summary>
/// The names under which the Sessions packages emit traces and metrics: pass them to OpenTelemetry's
/// <c>AddSource</c> and <c>AddMeter</c>. The store, the expiry sweeper and the health check all use these two names.
/// </summary>
public static class SessionDiagnostics
{
    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> of every span: a span per store operation, sweep and health check.</summary>
    public const string ActivitySourceName = "Sessions";

    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> of every instrument, such as <c>sessions.store.operation.duration</c>.</summary>
    public const string MeterName = "Sessions";
}
