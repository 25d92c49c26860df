namespace Sessions.Tests.Diagnostics;

/// <summary>
/// The tests that listen to the library's ActivitySource and Meter, which every store in the process shares: they run
/// one at a time, so one test's listener never records another test's operations.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryTestGroup
{
    public const string Name = "telemetry";
}
