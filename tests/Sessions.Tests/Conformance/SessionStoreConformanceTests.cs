using System.Collections.Concurrent;
using System.Text;

namespace Sessions.Tests.Conformance;

/// <summary>
/// The behaviour every <see cref="ISessionStore"/> must have (DESIGN §2). Each store's test class inherits it
/// unchanged. Tests keep to their own users, profiles, server instances and time window, so they can share a table.
/// </summary>
public abstract partial class SessionStoreConformanceTests
{
    // A random epoch per run keeps runs against a persistent table (SESSIONS_DYNAMODB_ENDPOINT) apart.
    private static readonly DateTimeOffset s_epoch = new DateTimeOffset(2090, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(-Random.Shared.Next(0, 10_000));
    private static int s_windows;
    private ISessionStore? _store;

    protected SessionStoreConformanceTests()
    {
        // Every test lives in its own three days, so time-range queries see only its own sessions. Windows move
        // backwards, so sessions of tests that ran before lie in the future and no sweep of this test expires them.
        var window = Interlocked.Increment(ref s_windows);
        Time = new FakeTimeProvider(s_epoch.AddDays(-3 * window));
        Time.AutoAdvanceAmount = TimeSpan.Zero;
        Tag = Guid.NewGuid().ToString("N")[..12];
    }

    protected FakeTimeProvider Time { get; }

    /// <summary>Gets a value unique to this test, used in user, profile and server instance names.</summary>
    protected string Tag { get; }

    protected ISessionStore Store => LazyInitializer.EnsureInitialized(ref _store, () => CreateStore(Time));

    /// <summary>Creates the store under test on <paramref name="timeProvider"/>.</summary>
    protected abstract ISessionStore CreateStore(TimeProvider timeProvider);

    /// <summary>Gets how many Creates race the Deletes in the create/delete race: enough to meet the race on this store.</summary>
    protected virtual int CreateDeleteRaceRounds => 200;

    protected string User(string name = "alice") => $"{name}-{Tag}";

    protected string Profile(string name = "prod") => $"{name}-{Tag}";

    protected string Instance(string name = "i-1") => $"{name}-{Tag}";

    protected ServerSession NewSession(string? user = null, string? profile = null, string? instance = null, TimeSpan? duration = null, string sourceIdentity = "svc-reader") =>
        ServerSession.Start(user ?? User(), profile ?? Profile(), instance ?? Instance(), sourceIdentity, duration ?? TimeSpan.FromHours(1), Time.GetUtcNow());

    protected async Task<ServerSession> CreateAsync(string? user = null, string? profile = null, string? instance = null, TimeSpan? duration = null)
    {
        var created = await Store.CreateAsync(NewSession(user, profile, instance, duration));
        Time.Advance(TimeSpan.FromMilliseconds(1));
        return created;
    }

    /// <summary>Creates <paramref name="count"/> sessions with distinct CreatedAt, concurrently, and returns them oldest first.</summary>
    protected async Task<IReadOnlyList<ServerSession>> CreateManyAsync(int count, Func<int, ServerSession> make)
    {
        var sessions = new List<ServerSession>(count);
        for (var i = 0; i < count; i++)
        {
            sessions.Add(make(i));
            Time.Advance(TimeSpan.FromMilliseconds(1));
        }

        await Parallel.ForEachAsync(sessions, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (s, ct) => await Store.CreateAsync(s, ct));
        return sessions;
    }

    protected static async Task<List<ServerSession>> WalkAsync(Func<PageRequest, Task<SessionPage>> list, int limit)
    {
        var all = new List<ServerSession>();
        var page = new PageRequest(limit);
        for (var pages = 0; ; pages++)
        {
            pages.Should().BeLessThan(10_000, "paging must terminate");
            var result = await list(page);
            result.Items.Count.Should().BeLessThanOrEqualTo(page.EffectiveLimit);
            all.AddRange(result.Items);
            if (result.ContinuationToken is null)
            {
                return all;
            }

            page = page with { ContinuationToken = result.ContinuationToken };
        }
    }

    protected static void ShouldBeNewestFirst(IReadOnlyList<ServerSession> sessions)
    {
        for (var i = 1; i < sessions.Count; i++)
        {
            sessions[i].CreatedAt.Should().BeOnOrBefore(sessions[i - 1].CreatedAt, "lists are newest first (item {0})", i);
        }
    }

    protected static string Utf8OfBytes(int bytes, char filler = 'x') => new(filler, bytes);

    /// <summary>A string of exactly <paramref name="bytes"/> UTF-8 bytes ending in a multi-byte character.</summary>
    protected static string MultiByteOfBytes(int bytes)
    {
        var text = new string('a', bytes - 4) + "😀"; // U+1F600 is 4 UTF-8 bytes
        Encoding.UTF8.GetByteCount(text).Should().Be(bytes);
        return text;
    }

    protected static ConcurrentBag<T> Bag<T>() => [];
}
