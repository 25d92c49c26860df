using Sessions.Tests.Conformance;

namespace Sessions.Tests.InMemory;

public sealed class InMemorySessionStoreTests : SessionStoreConformanceTests
{
    protected override ISessionStore CreateStore(TimeProvider timeProvider) => new InMemorySessionStore(timeProvider);
}
