namespace Sessions.Tests.Security;

/// <summary>
/// Session ids are 8 bytes from <see cref="System.Security.Cryptography.RandomNumberGenerator"/>: no repeats, and every
/// hex digit equally likely in every position. (Ids are correlation ids, not secrets; this guards against a weak or
/// constant source, which would make ids collide or guessable.)
/// </summary>
public sealed class SessionIdRandomnessTests
{
    private const int Count = 100_000;

    [Fact]
    public void A_hundred_thousand_new_ids_are_valid_and_distinct()
    {
        var ids = new HashSet<string>(Count, StringComparer.Ordinal);
        for (var i = 0; i < Count; i++)
        {
            var id = SessionId.New();
            SessionId.IsValid(id).Should().BeTrue(id);
            ids.Add(id).Should().BeTrue("id {0} was drawn twice", id);
        }
    }

    [Fact]
    public void Every_hex_digit_appears_about_equally_often_in_every_position()
    {
        var counts = new int[SessionId.Length, 16];
        for (var i = 0; i < Count; i++)
        {
            var id = SessionId.New();
            for (var position = 0; position < SessionId.Length; position++)
            {
                counts[position, Convert.ToInt32(id[position].ToString(), 16)]++;
            }
        }

        // Each cell is binomial(100,000, 1/16): mean 6,250, standard deviation ~76.5. Six deviations either side
        // fails a fair source about once in a billion cells; a biased or stuck one at once.
        const double Mean = Count / 16.0;
        var deviation = Math.Sqrt(Count * (1 / 16.0) * (15 / 16.0));
        for (var position = 0; position < SessionId.Length; position++)
        {
            for (var digit = 0; digit < 16; digit++)
            {
                counts[position, digit].Should().BeInRange((int)(Mean - (6 * deviation)), (int)(Mean + (6 * deviation)), "digit {0:x} at position {1}", digit, position);
            }
        }
    }

    [Fact]
    public void Consecutive_ids_share_no_more_than_chance_allows()
    {
        // A counter or a clock would make neighbours share a long prefix; random ids share one digit in 16.
        var previous = SessionId.New();
        var samePosition = 0;
        const int Pairs = 10_000;
        for (var i = 0; i < Pairs; i++)
        {
            var next = SessionId.New();
            samePosition += Enumerable.Range(0, SessionId.Length).Count(p => next[p] == previous[p]);
            previous = next;
        }

        var expected = Pairs * SessionId.Length / 16.0;
        samePosition.Should().BeInRange((int)(expected * 0.9), (int)(expected * 1.1));
    }
}
