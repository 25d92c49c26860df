namespace Sessions.Tests.Model;

public sealed class SessionIdTests
{
    [Fact]
    public void New_returns_16_lowercase_hex_characters()
    {
        for (var i = 0; i < 1_000; i++)
        {
            var id = SessionId.New();

            id.Should().HaveLength(SessionId.Length).And.MatchRegex("^[0-9a-f]{16}$");
            SessionId.IsValid(id).Should().BeTrue();
        }
    }

    [Fact]
    public void New_returns_100000_distinct_ids()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);

        for (var i = 0; i < 100_000; i++)
        {
            ids.Add(SessionId.New()).Should().BeTrue("id number {0} repeats an earlier one", i);
        }
    }

    [Fact]
    public void New_uses_every_hex_digit_in_every_position()
    {
        // 8 random bytes: over a few thousand ids each position sees all 16 digits.
        var seen = new HashSet<char>[SessionId.Length];
        for (var p = 0; p < seen.Length; p++)
        {
            seen[p] = [];
        }

        for (var i = 0; i < 5_000; i++)
        {
            var id = SessionId.New();
            for (var p = 0; p < id.Length; p++)
            {
                seen[p].Add(id[p]);
            }
        }

        seen.Should().AllSatisfy(digits => digits.Should().BeEquivalentTo("0123456789abcdef".ToCharArray()));
    }

    [Theory]
    [InlineData("0123456789abcdef")]
    [InlineData("0000000000000000")]
    [InlineData("ffffffffffffffff")]
    [InlineData("a1b2c3d4e5f60789")]
    public void IsValid_accepts_16_lowercase_hex_characters(string id) =>
        SessionId.IsValid(id).Should().BeTrue();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0123456789abcde")] // 15
    [InlineData("0123456789abcdef0")] // 17
    [InlineData("0123456789abcdef0123456789abcdef")] // 32
    [InlineData("0123456789ABCDEF")] // upper case
    [InlineData("0123456789abcdeF")] // one upper-case letter
    [InlineData("0123456789abcdeg")] // not a hex letter
    [InlineData("0123456789abcdez")]
    [InlineData("0123456789abcde-")]
    [InlineData("0123456789abc\u0663ef")] // Arabic-Indic digit three
    [InlineData("\uFF10123456789abcdef")] // fullwidth digit zero
    [InlineData("0123456789abcd\u00E9f")] // é
    [InlineData(" 123456789abcdef")] // leading space
    [InlineData("0123456789abcde ")] // trailing space
    [InlineData("01234567 9abcdef")] // inner space
    [InlineData("\t123456789abcdef")] // tab
    [InlineData("0123456789abcde\n")] // newline
    [InlineData(" 0123456789abcdef")] // 16 valid characters with a leading space
    [InlineData("0123456789abcdef\n")] // 16 valid characters with a trailing newline
    [InlineData("0123456789abcde\0")] // NUL
    public void IsValid_rejects_anything_but_exactly_16_lowercase_ascii_hex_characters(string? id) =>
        SessionId.IsValid(id).Should().BeFalse();

    [Fact]
    public void IsValid_allocates_nothing()
    {
        string?[] inputs = ["0123456789abcdef", "0123456789ABCDEF", "0123456789abc\u0663ef", null, string.Empty, "short"];
        foreach (var input in inputs)
        {
            SessionId.IsValid(input);
        }

        var valid = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            if (SessionId.IsValid(inputs[i % inputs.Length]))
            {
                valid++;
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().Be(0);
        valid.Should().Be(10_000 / inputs.Length + (10_000 % inputs.Length > 0 ? 1 : 0));
    }
}
