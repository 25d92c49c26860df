using Sessions.Tests.Conformance;

namespace Sessions.Tests.InMemory;

public sealed class InMemorySessionStoreTests : SessionStoreConformanceTests
{
    protected override ISessionStore CreateStore(TimeProvider timeProvider) => new InMemorySessionStore(timeProvider);

    // A call here takes microseconds, so the window between a refused add and the read after it is narrow.
    protected override int CreateDeleteRaceRounds => 50_000;
}
