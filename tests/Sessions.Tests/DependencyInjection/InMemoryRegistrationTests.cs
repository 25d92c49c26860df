using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace Sessions.Tests.DependencyInjection;

public sealed class InMemoryRegistrationTests
{
    private static readonly ServiceProviderOptions Strict = new() { ValidateOnBuild = true, ValidateScopes = true };

    [Fact]
    public void AddInMemorySessionStore_returns_the_same_service_collection()
    {
        var services = new ServiceCollection();

        services.AddInMemorySessionStore().Should().BeSameAs(services);
    }

    [Fact]
    public void AddInMemorySessionStore_rejects_a_null_service_collection()
    {
        var act = () => SessionStoreServiceCollectionExtensions.AddInMemorySessionStore(null!);

        act.Should().Throw<ArgumentNullException>().WithParameterName("services");
    }

    [Fact]
    public void AddInMemorySessionStore_registers_ISessionStore_as_a_singleton()
    {
        var services = new ServiceCollection().AddInMemorySessionStore();

        services.Should().ContainSingle(d => d.ServiceType == typeof(ISessionStore))
            .Which.Lifetime.Should().Be(ServiceLifetime.Singleton);
    }

    [Fact]
    public void The_store_resolves_to_one_in_memory_instance_for_every_request_and_scope()
    {
        using var provider = new ServiceCollection().AddInMemorySessionStore().BuildServiceProvider(Strict);

        var first = provider.GetRequiredService<ISessionStore>();
        var second = provider.GetRequiredService<ISessionStore>();
        using var scope = provider.CreateScope();
        var scoped = scope.ServiceProvider.GetRequiredService<ISessionStore>();

        first.Should().BeOfType<InMemorySessionStore>();
        second.Should().BeSameAs(first);
        scoped.Should().BeSameAs(first);
    }

    [Fact]
    public void Calling_AddInMemorySessionStore_twice_registers_one_store()
    {
        var services = new ServiceCollection().AddInMemorySessionStore().AddInMemorySessionStore();

        services.Should().ContainSingle(d => d.ServiceType == typeof(ISessionStore));
    }

    [Fact]
    public void A_store_registered_before_wins()
    {
        var own = new Mock<ISessionStore>(MockBehavior.Strict).Object;
        var services = new ServiceCollection();
        services.AddSingleton(own);

        services.AddInMemorySessionStore();
        using var provider = services.BuildServiceProvider(Strict);

        services.Should().ContainSingle(d => d.ServiceType == typeof(ISessionStore));
        provider.GetRequiredService<ISessionStore>().Should().BeSameAs(own);
    }

    [Fact]
    public async Task The_store_resolves_and_works_with_nothing_else_registered()
    {
        var services = new ServiceCollection().AddInMemorySessionStore();
        services.Should().HaveCount(1, "the registration needs no logging, options or clock");
        using var provider = services.BuildServiceProvider(Strict);
        var store = provider.GetRequiredService<ISessionStore>();
        var now = TimeProvider.System.GetUtcNow();

        var created = await store.CreateAsync(ServerSession.Start("alice", "prod", "i-1", string.Empty, TimeSpan.FromHours(1), now));
        await store.TouchAsync(created.Id);

        var touched = await store.GetAsync(created.Id);
        touched.RequestCount.Should().Be(1);
        touched.LastAccessAt.Should().BeOnOrAfter(now, "without a registered TimeProvider the store uses the system clock");
        touched.LastAccessAt.Should().BeOnOrBefore(TimeProvider.System.GetUtcNow());
    }

    [Fact]
    public async Task The_store_takes_the_TimeProvider_registered_in_the_container()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2041, 3, 4, 5, 6, 7, TimeSpan.Zero));
        using var provider = ContainerWithClock(time);
        var store = provider.GetRequiredService<ISessionStore>();

        var created = await store.CreateAsync(ServerSession.Start("alice", "prod", "i-1", string.Empty, TimeSpan.FromHours(1), time.GetUtcNow()));
        time.Advance(TimeSpan.FromMinutes(7).Add(TimeSpan.FromTicks(3)));
        await store.TouchAsync(created.Id);

        var touched = await store.GetAsync(created.Id);
        touched.LastAccessAt.Should().Be(time.GetUtcNow());
        touched.LastAccessAt.Should().Be(created.StartedAt.AddMinutes(7).AddTicks(3));
    }

    [Fact]
    public async Task The_store_judges_expiry_by_the_TimeProvider_registered_in_the_container()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2041, 3, 4, 5, 6, 7, TimeSpan.Zero));
        using var provider = ContainerWithClock(time);
        var store = provider.GetRequiredService<ISessionStore>();

        var created = await store.CreateAsync(ServerSession.Start("alice", "prod", "i-1", string.Empty, TimeSpan.FromHours(1), time.GetUtcNow()));
        time.Advance(TimeSpan.FromHours(1));

        await FluentActions.Awaiting(() => store.TouchAsync(created.Id)).Should().ThrowAsync<SessionExpiredException>();
    }

    private static ServiceProvider ContainerWithClock(TimeProvider time) =>
        new ServiceCollection().AddSingleton(time).AddInMemorySessionStore().BuildServiceProvider(Strict);
}
