using System.Globalization;

namespace Sessions.Tests.Model;

public sealed class SessionTimestampTests
{
    private static readonly DateTimeOffset Sample = new DateTimeOffset(2026, 1, 20, 2, 19, 9, TimeSpan.Zero);

    public static TheoryData<DateTimeOffset, string> Formatted => new()
    {
        { Sample, "2026-01-20T02:19:09.0000000Z" },
        { Sample.AddTicks(1_234_567), "2026-01-20T02:19:09.1234567Z" },
        { Sample.AddTicks(1), "2026-01-20T02:19:09.0000001Z" },
        { new DateTimeOffset(2026, 1, 20, 4, 19, 9, TimeSpan.FromHours(2)), "2026-01-20T02:19:09.0000000Z" },
        { new DateTimeOffset(2026, 1, 19, 20, 49, 9, TimeSpan.FromHours(-5.5)), "2026-01-20T02:19:09.0000000Z" },
        { new DateTimeOffset(2026, 1, 1, 0, 30, 0, TimeSpan.FromHours(1)), "2025-12-31T23:30:00.0000000Z" },
        { DateTimeOffset.MinValue, "0001-01-01T00:00:00.0000000Z" },
        { DateTimeOffset.MaxValue, "9999-12-31T23:59:59.9999999Z" },
        { DateTimeOffset.UnixEpoch, "1970-01-01T00:00:00.0000000Z" },
        { new DateTimeOffset(999, 3, 4, 5, 6, 7, TimeSpan.Zero), "0999-03-04T05:06:07.0000000Z" },
    };

    [Theory]
    [MemberData(nameof(Formatted))]
    public void Format_writes_fixed_width_utc_with_seven_fractional_digits(DateTimeOffset value, string expected)
    {
        var text = SessionTimestamp.Format(value);

        text.Should().Be(expected);
        text.Should().HaveLength(SessionTimestamp.Length).And.HaveLength(28);
    }

    [Fact]
    public void Format_is_independent_of_the_current_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("ar-SA");
            SessionTimestamp.Format(Sample).Should().Be("2026-01-20T02:19:09.0000000Z");

            CultureInfo.CurrentCulture = new CultureInfo("th-TH");
            SessionTimestamp.Format(Sample).Should().Be("2026-01-20T02:19:09.0000000Z");
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Format_always_has_the_same_shape_for_random_instants()
    {
        var random = new Random(20260120);
        for (var i = 0; i < 10_000; i++)
        {
            var value = RandomInstant(random);

            SessionTimestamp.Format(value).Should().MatchRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$");
        }
    }

    [Fact]
    public void TryFormat_writes_the_same_text_and_refuses_a_short_destination()
    {
        var value = Sample.AddTicks(42);
        Span<char> buffer = stackalloc char[SessionTimestamp.Length];

        SessionTimestamp.TryFormat(value, buffer).Should().BeTrue();
        buffer.ToString().Should().Be(SessionTimestamp.Format(value));

        SessionTimestamp.TryFormat(value, buffer[..^1]).Should().BeFalse();
    }

    [Fact]
    public void Format_and_Parse_round_trip_to_the_tick()
    {
        var random = new Random(7);
        var values = new List<DateTimeOffset>
        {
            DateTimeOffset.MinValue,
            DateTimeOffset.MinValue.AddTicks(1),
            DateTimeOffset.MaxValue,
            DateTimeOffset.MaxValue.AddTicks(-1),
            DateTimeOffset.UnixEpoch,
            Sample,
            new(2024, 2, 29, 23, 59, 59, TimeSpan.Zero),
            new(2026, 1, 20, 4, 19, 9, TimeSpan.FromHours(14)),
            new(2026, 1, 20, 4, 19, 9, TimeSpan.FromHours(-14)),
        };
        for (var i = 0; i < 10_000; i++)
        {
            values.Add(RandomInstant(random));
        }

        foreach (var value in values)
        {
            var parsed = SessionTimestamp.Parse(SessionTimestamp.Format(value));

            parsed.UtcTicks.Should().Be(value.UtcTicks);
            parsed.Offset.Should().Be(TimeSpan.Zero);
        }
    }

    [Theory]
    [InlineData("2026-01-20T02:19:09Z", 0)]
    [InlineData("2026-01-20T02:19:09.5Z", 5_000_000)]
    [InlineData("2026-01-20T02:19:09.05Z", 500_000)]
    [InlineData("2026-01-20T02:19:09.1234567Z", 1_234_567)]
    [InlineData("2026-01-20T02:19:09.12345678Z", 1_234_567)]
    [InlineData("2026-01-20T02:19:09.123456789Z", 1_234_567)]
    [InlineData("2026-01-20T02:19:09.999999999Z", 9_999_999)]
    [InlineData("2026-01-20T02:19:09.000000001Z", 0)]
    [InlineData("2026-01-20T02:19:09.0000000Z", 0)]
    [InlineData("2026-01-20t02:19:09z", 0)]
    [InlineData("2026-01-20T02:19:09.5z", 5_000_000)]
    [InlineData("2026-01-20T04:19:09+02:00", 0)]
    [InlineData("2026-01-19T20:49:09-05:30", 0)]
    [InlineData("2026-01-20T02:19:09+00:00", 0)]
    [InlineData("2026-01-20T02:19:09-00:00", 0)]
    [InlineData("2026-01-20T04:19:09.5+02:00", 5_000_000)]
    public void Parse_reads_rfc3339_with_any_fraction_and_offset_as_the_utc_instant(string text, long extraTicks)
    {
        var parsed = SessionTimestamp.Parse(text);

        parsed.Should().Be(Sample.AddTicks(extraTicks));
        parsed.UtcTicks.Should().Be(Sample.UtcTicks + extraTicks);
        parsed.Offset.Should().Be(TimeSpan.Zero);
    }

    [Theory]
    [InlineData("2024-02-29T00:00:00Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("9999-12-31T23:59:59.9999999Z")]
    [InlineData("0001-01-01T01:00:00+01:00")]
    [InlineData("9999-12-31T22:59:59-01:00")]
    [InlineData("2026-01-20T02:19:09+14:00")]
    [InlineData("2026-01-20T02:19:09-14:00")]
    [InlineData("2026-12-31T23:59:59Z")]
    public void TryParse_accepts_valid_edge_dates(string text)
    {
        SessionTimestamp.TryParse(text, out var parsed).Should().BeTrue();

        parsed.Should().Be(DateTimeOffset.Parse(text, CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("not a timestamp at all, really")]
    [InlineData("2026-01-20")]
    [InlineData("2026-01-20T02:19:09")] // no offset
    [InlineData("2026-01-20T02:19:09.5")] // no offset
    [InlineData("2026-01-20T02:19:09.1234567")] // no offset
    [InlineData("2026-01-20T02:19:09.1234567890Z")] // 10 fractional digits
    [InlineData("2026-01-20T02:19:09.Z")] // empty fraction
    [InlineData("2026-01-20T02:19:09.+02:00")]
    [InlineData("2026-01-20T02:19:09,5Z")] // comma
    [InlineData("2026-02-30T00:00:00Z")] // Feb 30
    [InlineData("2026-02-29T00:00:00Z")] // not a leap year
    [InlineData("2100-02-29T00:00:00Z")] // not a leap year either
    [InlineData("2026-04-31T00:00:00Z")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-00-10T00:00:00Z")]
    [InlineData("2026-01-00T00:00:00Z")]
    [InlineData("2026-01-32T00:00:00Z")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("2026-01-20T24:00:00Z")] // hour 24
    [InlineData("2026-01-20T02:60:00Z")]
    [InlineData("2026-01-20T02:19:60Z")] // leap second
    [InlineData("2026-01-20 02:19:09Z")] // space for T
    [InlineData("2026-01-20X02:19:09Z")]
    [InlineData("2026/01/20T02:19:09Z")]
    [InlineData("2026-01-20T02-19-09Z")]
    [InlineData("2026-1-20T02:19:09Z")]
    [InlineData("26-01-20T02:19:09Z")]
    [InlineData("+2026-01-20T02:19:09Z")]
    [InlineData(" 2026-01-20T02:19:09Z")] // leading space
    [InlineData("2026-01-20T02:19:09Z ")] // trailing space
    [InlineData("2026-01-20T02:19:09Z\n")]
    [InlineData("2026-01-20T02:19:09ZZ")]
    [InlineData("2026-01-20T02:19:09UTC")]
    [InlineData("2026-01-20T02:19:09GMT")]
    [InlineData("2026-01-20T02:19:09+0200")] // offset without colon
    [InlineData("2026-01-20T02:19:09+02")]
    [InlineData("2026-01-20T02:19:09+2:00")]
    [InlineData("2026-01-20T02:19:09+02:00Z")]
    [InlineData("2026-01-20T02:19:09+15:00")] // beyond ±14:00
    [InlineData("2026-01-20T02:19:09+14:30")] // beyond ±14:00, which a time-range list would not reach
    [InlineData("2026-01-20T02:19:09-14:01")]
    [InlineData("2026-01-20T02:19:09+14:59")]
    [InlineData("2026-01-20T02:19:09+02:60")]
    [InlineData("2026-01-20T02:19:09*02:00")]
    [InlineData("0001-01-01T00:00:00+00:01")] // before DateTimeOffset.MinValue in UTC
    [InlineData("9999-12-31T23:59:59-00:01")] // after DateTimeOffset.MaxValue in UTC
    [InlineData("\u0662\u0660\u0662\u0666-01-20T02:19:09Z")] // Arabic-Indic digits
    [InlineData("2026-01-20T02:19:\uFF10\uFF19Z")] // fullwidth digits
    [InlineData("2026-01-20T02:19:09.\u0665Z")] // non-ASCII digit in the fraction
    [InlineData("")]
    public void TryParse_rejects_anything_but_rfc3339(string text)
    {
        SessionTimestamp.TryParse(text, out _).Should().BeFalse();

        var act = () => SessionTimestamp.Parse(text);
        act.Should().Throw<FormatException>();
    }

    [Fact]
    public void TryParse_rejects_null()
    {
        SessionTimestamp.TryParse((string?)null, out _).Should().BeFalse();
    }

    [Fact]
    public void Formatted_timestamps_sort_ordinally_in_time_order()
    {
        var random = new Random(42);
        var instants = new List<DateTimeOffset> { DateTimeOffset.MinValue, DateTimeOffset.MaxValue, Sample, Sample.AddTicks(1), Sample.AddTicks(-1) };
        for (var i = 0; i < 5_000; i++)
        {
            instants.Add(RandomInstant(random));

            // Close neighbours, where only the fraction or the last digits differ.
            instants.Add(Sample.AddTicks(random.Next(-100_000_000, 100_000_000)));
        }

        var byTime = instants.OrderBy(t => t.UtcTicks).Select(SessionTimestamp.Format).ToList();
        var byText = instants.Select(SessionTimestamp.Format).OrderBy(t => t, StringComparer.Ordinal).ToList();

        byText.Should().Equal(byTime);
    }

    [Fact]
    public void Format_allocates_only_the_result_string()
    {
        var value = Sample.AddTicks(1_234_567);
        SessionTimestamp.Format(value);

        const int Calls = 1_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var length = 0;
        for (var i = 0; i < Calls; i++)
        {
            length += SessionTimestamp.Format(value.AddTicks(i)).Length;
        }

        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Calls;

        length.Should().Be(Calls * SessionTimestamp.Length);
        perCall.Should().BeLessThanOrEqualTo(100, "a 28-character string is about 80 bytes and nothing else should be allocated");
    }

    /// <summary>A random instant over the whole range, usually carrying a random whole-minute offset.</summary>
    private static DateTimeOffset RandomInstant(Random random)
    {
        var utcTicks = random.NextInt64(DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks + 1);
        var offset = TimeSpan.FromMinutes(random.Next(-14 * 60, (14 * 60) + 1));
        var localTicks = utcTicks + offset.Ticks;
        return localTicks >= DateTime.MinValue.Ticks && localTicks <= DateTime.MaxValue.Ticks
            ? new DateTimeOffset(localTicks, offset)
            : new DateTimeOffset(utcTicks, TimeSpan.Zero);
    }
}
