using Sessions.Diagnostics;

namespace Sessions.Tests.Diagnostics;

public sealed class VisibleTextTests
{
    [Theory]
    [InlineData("alice\nbob", @"alice\nbob")]
    [InlineData("a\r\nb", @"a\r\nb")]
    [InlineData("tab\there", @"tab\there")]
    [InlineData("\u001b[8mhidden\u001b[0m", @"\e[8mhidden\e[0m")]
    [InlineData("nul\0bell\a", @"nul\x00bell\x07")]
    [InlineData("del\u007f", @"del\x7f")]
    [InlineData("csi\u009b2J", @"csi\u009b2J")]
    [InlineData("next\u0085line", @"next\u0085line")]
    [InlineData("line\u2028para\u2029", @"line\u2028para\u2029")]
    [InlineData("user\u202egnp.exe", @"user\u202egnp.exe")]
    [InlineData("\u2066isolate\u2069\u200e\u200f\u061c", @"\u2066isolate\u2069\u200e\u200f\u061c")]
    public void Control_characters_read_as_visible_escapes(string text, string expected)
    {
        VisibleText.Escape(text).Should().Be(expected);
    }

    [Theory]
    [InlineData("alice@example.com")]
    [InlineData(@"CORP\alice")]
    [InlineData("zoë, 東京, 🎉 ok")]
    [InlineData("arn:aws:iam::123456789012:role/deploy")]
    public void Text_without_control_characters_is_returned_as_the_same_instance(string text)
    {
        VisibleText.Escape(text).Should().BeSameAs(text);
    }

    [Fact]
    public void Unpaired_surrogates_are_escaped_and_paired_ones_kept()
    {
        // Built in code: an attribute argument cannot hold an unpaired surrogate.
        var text = "lone" + (char)0xd800 + "high, lone" + (char)0xdc00 + "low, pair 🎉";

        VisibleText.Escape(text).Should().Be(@"lone\ud800high, lone\udc00low, pair 🎉");
    }

    [Fact]
    public void Null_and_empty_read_as_empty()
    {
        VisibleText.Escape(null).Should().BeEmpty();
        VisibleText.Escape(string.Empty).Should().BeEmpty();
    }

    [Fact]
    public void Escaping_twice_reads_the_same_as_escaping_once()
    {
        const string hostile = "a\nb\u001b[2J\\n\u202e\u0000";
        var once = VisibleText.Escape(hostile);

        VisibleText.Escape(once).Should().Be(once);
    }

    [Fact]
    public void Every_escaped_string_is_free_of_the_characters_it_escapes()
    {
        var everything = string.Concat(Enumerable.Range(0, 0x3000).Select(c => (char)c));

        var escaped = VisibleText.Escape(everything);

        escaped.Should().NotContainAny(
            [.. Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7f, 0x21)).Select(c => ((char)c).ToString())],
            "no C0 or C1 control and no DEL survives");
        escaped.Should().NotContainAny("\u2028", "\u2029", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c");
        escaped.Should().Contain("é").And.Contain("€", "printable text is kept");
    }

    [Fact]
    public void Line_breaks_can_be_kept_for_a_quoted_CSV_field_while_other_controls_are_escaped()
    {
        VisibleText.Escape("one\r\ntwo\u001b[1m\tthree", keepLineBreaks: true).Should().Be("one\r\ntwo\\e[1m\\tthree");
    }
}
