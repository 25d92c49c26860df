using System.Text;
using CsCheck;

namespace Sessions.Tests.Reliability;

/// <summary>
/// Arbitrary valid sessions — any Unicode text (astral characters included, no unpaired surrogates), key fields of
/// 1–1,024 UTF-8 bytes, dates from year 1 to 9998 in any offset — come back unchanged from Create and Get on both stores.
/// </summary>
public abstract class RoundTripPropertyTests(DynamoDbServerFixture server)
{
    private static readonly long s_earliest = new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
    private static readonly long s_latest = new DateTime(9998, 12, 31, 23, 59, 59, DateTimeKind.Utc).Ticks + (TimeSpan.TicksPerSecond - 1);

    /// <summary>A Unicode scalar value: every plane, never a surrogate code unit on its own.</summary>
    private static readonly Gen<int> s_scalar = Gen.Frequency(
        (4, Gen.Int[0x20, 0x7E]),
        (1, Gen.Int[0x00, 0x1F]),
        (2, Gen.Int[0x80, 0x7FF]),
        (2, Gen.Int[0x800, 0xD7FF]),
        (1, Gen.Int[0xE000, 0xFFFF]),
        (2, Gen.Int[0x10000, 0x10FFFF]));

    private static readonly Gen<DateTimeOffset> s_instant = Gen.Frequency(
        (8, Gen.Long[s_earliest, s_latest]),
        (1, Gen.Long[s_earliest, s_earliest + TimeSpan.TicksPerDay]),
        (1, Gen.Long[s_latest - TimeSpan.TicksPerDay, s_latest]))
        .Select(Gen.Int[-14 * 60, 14 * 60], (ticks, minutes) => InOffset(new DateTimeOffset(ticks, TimeSpan.Zero), TimeSpan.FromMinutes(minutes)));

    private static readonly Gen<ServerSession> s_session =
        Gen.Select(Text(1, SessionArguments.MaxKeyBytes), Text(1, SessionArguments.MaxKeyBytes), Text(1, SessionArguments.MaxKeyBytes), Text(0, SessionArguments.MaxTextBytes))
        .Select(Gen.Select(s_instant, s_instant, s_instant, s_instant, s_instant), Gen.Long[0, long.MaxValue], (text, times, requestCount) =>
        {
            var (user, profile, instance, source) = text;
            var (first, second, lastAccess, created, updated) = times;
            var (started, expires) = first < second ? (first, second) : (second, first);
            if (started == expires)
            {
                (started, expires) = started.UtcTicks < s_latest ? (started, expires.AddTicks(1)) : (started.AddTicks(-1), expires);
            }

            return new ServerSession
            {
                Id = "0000000000000000",
                User = user,
                Profile = profile,
                ServerInstanceId = instance,
                Status = SessionStatus.Active,
                StartedAt = started,
                LastAccessAt = lastAccess,
                ExpiresAt = expires,
                RequestCount = requestCount,
                SourceIdentity = source,
                CreatedAt = created,
                UpdatedAt = updated,
            };
        });

    [Fact]
    public void Arbitrary_valid_sessions_round_trip_unchanged_through_the_in_memory_store()
    {
        var store = new InMemorySessionStore();

        s_session.Sample(session => RoundTripAsync(store, session).GetAwaiter().GetResult(), iter: 2_000);
    }

    [Fact]
    public async Task Arbitrary_valid_sessions_round_trip_unchanged_through_the_DynamoDB_store()
    {
        // Expiry dates from year 1 on: without TTL on the table, so the server keeps what it was given.
        var table = await server.CreateTableWithoutTtlAsync();
        var store = TestStores.DynamoDb(server.CreateClient(allowPastTtl: true), table);

        await s_session.SampleAsync(session => RoundTripAsync(store, session), iter: 200);
    }

    [Fact]
    public void The_generator_reaches_the_edges_it_claims()
    {
        var sessions = s_session.Array[500].Single();

        sessions.Should().Contain(s => s.User.EnumerateRunes().Any(r => r.Utf8SequenceLength == 4), "astral characters are generated");
        sessions.Should().Contain(s => Encoding.UTF8.GetByteCount(s.User) > 1_000, "key fields near 1,024 bytes are generated");
        sessions.Should().Contain(s => Encoding.UTF8.GetByteCount(s.Profile) <= 4, "short key fields are generated");
        sessions.Should().Contain(s => s.StartedAt.Year < 10 || s.CreatedAt.Year < 10, "dates near year 1 are generated");
        sessions.Should().Contain(s => s.ExpiresAt.UtcDateTime.Year == 9998, "dates in year 9998 are generated");
        sessions.Should().OnlyContain(s => s.ExpiresAt > s.StartedAt);
        sessions.Should().OnlyContain(s => Encoding.UTF8.GetByteCount(s.ServerInstanceId) <= SessionArguments.MaxKeyBytes && s.ServerInstanceId.Length > 0);
        sessions.Should().OnlyContain(s => !HasUnpairedSurrogate(s.User) && !HasUnpairedSurrogate(s.SourceIdentity));
    }

    private static async Task RoundTripAsync(ISessionStore store, ServerSession generated)
    {
        var session = generated with { Id = SessionId.New() };
        var expected = session with { Version = 1 };

        var created = await store.CreateAsync(session);
        var read = await store.GetAsync(session.Id);

        created.Should().Be(expected);
        read.Should().Be(expected);
        read.StartedAt.UtcTicks.Should().Be(session.StartedAt.UtcTicks);
        read.LastAccessAt.UtcTicks.Should().Be(session.LastAccessAt.UtcTicks);
        read.ExpiresAt.UtcTicks.Should().Be(session.ExpiresAt.UtcTicks);
        read.CreatedAt.UtcTicks.Should().Be(session.CreatedAt.UtcTicks);
        read.UpdatedAt.UtcTicks.Should().Be(session.UpdatedAt.UtcTicks);
    }

    /// <summary>Text of <paramref name="minBytes"/> to <paramref name="maxBytes"/> UTF-8 bytes, often at either end.</summary>
    private static Gen<string> Text(int minBytes, int maxBytes) =>
        Gen.Frequency(
            (2, Gen.Int[minBytes, Math.Min(maxBytes, minBytes + 16)]),
            (4, Gen.Int[minBytes, maxBytes]),
            (2, Gen.Int[maxBytes - 8, maxBytes]))
        .Select(s_scalar.Array[maxBytes], (budget, scalars) =>
        {
            var text = new StringBuilder();
            var bytes = 0;
            foreach (var scalar in scalars)
            {
                var rune = new Rune(scalar);
                if (bytes + rune.Utf8SequenceLength > budget)
                {
                    // Fill the rest with one-byte characters, so the budget is met exactly.
                    text.Append('x', budget - bytes);
                    break;
                }

                text.Append(rune.ToString());
                bytes += rune.Utf8SequenceLength;
            }

            return text.ToString();
        });

    private static DateTimeOffset InOffset(DateTimeOffset utc, TimeSpan offset)
    {
        var local = utc.UtcTicks + offset.Ticks;
        return local >= DateTime.MinValue.Ticks && local <= DateTime.MaxValue.Ticks ? utc.ToOffset(offset) : utc;
    }

    private static bool HasUnpairedSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }
}

public sealed class RoundTripPropertyTestsOnDynalite(DynaliteFixture server) : RoundTripPropertyTests(server), IClassFixture<DynaliteFixture>;

public sealed class RoundTripPropertyTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : RoundTripPropertyTests(server), IClassFixture<DynamoDbLocalFixture>;
