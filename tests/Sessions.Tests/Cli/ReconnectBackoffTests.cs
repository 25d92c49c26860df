using Sessions.Cli.Watch;

namespace Sessions.Tests.Cli;

public sealed class ReconnectBackoffTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    [Fact]
    public void Waits_double_from_one_second_up_to_a_30_second_cap_each_between_half_and_all_of_its_ceiling()
    {
        var least = new ReconnectBackoff(Interval, new FixedRandom(0));
        var most = new ReconnectBackoff(Interval, new FixedRandom(0.999_999));

        var shortest = Enumerable.Range(0, 9).Select(_ => least.NextDelay().TotalSeconds).ToList();
        var longest = Enumerable.Range(0, 9).Select(_ => most.NextDelay().TotalSeconds).ToList();

        shortest.Should().Equal(0.5, 1, 2, 4, 8, 15, 15, 15, 15);
        longest.Should().Equal([1, 2, 4, 8, 16, 30, 30, 30, 30], (a, e) => Math.Abs(a - e) < 0.001);
        least.Failures.Should().Be(9);
    }

    [Fact]
    public void A_refresh_interval_longer_than_30_seconds_is_the_cap()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMinutes(5), new FixedRandom(0));

        Enumerable.Range(0, 11).Select(_ => backoff.NextDelay().TotalSeconds).Should().Equal(0.5, 1, 2, 4, 8, 16, 32, 64, 128, 150, 150);
    }

    [Fact]
    public void Reset_starts_again_from_the_first_wait()
    {
        var backoff = new ReconnectBackoff(Interval, new FixedRandom(0));
        backoff.NextDelay();
        backoff.NextDelay();

        backoff.Reset();

        backoff.Failures.Should().Be(0);
        backoff.NextDelay().Should().Be(TimeSpan.FromSeconds(0.5));
    }

    [Fact]
    public void Jitter_spreads_the_waits_of_many_watches_over_the_whole_band()
    {
        var random = new Random(20260120);
        var waits = Enumerable.Range(0, 1_000).Select(_ => new ReconnectBackoff(Interval, random).NextDelay().TotalSeconds).ToList();

        waits.Should().OnlyContain(w => w >= 0.5 && w < 1);
        waits.Min().Should().BeLessThan(0.55);
        waits.Max().Should().BeGreaterThan(0.95);
        waits.Distinct().Count().Should().BeGreaterThan(900);
    }

    [Fact]
    public void Thousands_of_failures_in_a_row_stay_at_the_cap()
    {
        var backoff = new ReconnectBackoff(Interval, new FixedRandom(0));

        var last = TimeSpan.Zero;
        for (var i = 0; i < 5_000; i++)
        {
            last = backoff.NextDelay();
        }

        backoff.Failures.Should().Be(5_000);
        last.Should().Be(TimeSpan.FromSeconds(15));
    }
}
