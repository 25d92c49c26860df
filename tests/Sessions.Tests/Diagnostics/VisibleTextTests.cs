using System.Globalization;
using System.Text;
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

    [Theory]
    [InlineData("soft\u00adhyphen", @"soft\u00adhyphen")]
    [InlineData("alice\u200b", @"alice\u200b")]
    [InlineData("zero\u200cwidth\u200djoiners", @"zero\u200cwidth\u200djoiners")]
    [InlineData("word\u2060joiner", @"word\u2060joiner")]
    [InlineData("\ufeffbom", @"\ufeffbom")]
    [InlineData("invisible\u2061times\u2062separator\u2063plus\u2064", @"invisible\u2061times\u2062separator\u2063plus\u2064")]
    [InlineData("mongolian\u180evowel", @"mongolian\u180evowel")]
    [InlineData("annotation\ufff9anchor\ufffb", @"annotation\ufff9anchor\ufffb")]
    [InlineData("arabic\u0600number\u06ddend", @"arabic\u0600number\u06ddend")]
    public void Format_characters_of_the_basic_plane_read_as_u_escapes(string text, string expected)
    {
        VisibleText.Escape(text).Should().Be(expected);
    }

    [Theory]
    [InlineData("alice\U000E0041", @"alice\U000e0041")]
    [InlineData("\U000E0001\U000E0065\U000E006E\U000E007F", @"\U000e0001\U000e0065\U000e006e\U000e007f")]
    [InlineData("flag \U0001F3F4\U000E0067\U000E0062\U000E007F", "flag \U0001F3F4" + @"\U000e0067\U000e0062\U000e007f")]
    [InlineData("beam\U0001D173", @"beam\U0001d173")]
    [InlineData("kaithi\U000110BD", @"kaithi\U000110bd")]
    public void Format_characters_beyond_the_basic_plane_read_as_eight_digit_escapes_and_other_pairs_are_kept(string text, string expected)
    {
        VisibleText.Escape(text).Should().Be(expected);
    }

    [Fact]
    public void An_emoji_sequence_keeps_its_pictures_and_shows_its_joiners()
    {
        VisibleText.Escape("\U0001F468\u200D\U0001F469\u200D\U0001F467").Should().Be("\U0001F468" + @"\u200d" + "\U0001F469" + @"\u200d" + "\U0001F467");
    }

    [Fact]
    public void No_format_character_of_any_plane_survives_and_each_reads_as_one_escape()
    {
        var formats = Enumerable.Range(0, 0x110000)
            .Where(cp => cp is < 0xd800 or > 0xdfff && CharUnicodeInfo.GetUnicodeCategory(cp) == UnicodeCategory.Format)
            .ToList();
        var text = string.Concat(formats.Select(char.ConvertFromUtf32));

        var escaped = VisibleText.Escape(text);

        formats.Should().Contain([0xad, 0x200b, 0x2060, 0xfeff, 0xe0001, 0xe0020, 0xe007f], "the runtime's Unicode data knows them as Cf");
        escaped.EnumerateRunes().Should().OnlyContain(r => Rune.GetUnicodeCategory(r) != UnicodeCategory.Format);
        escaped.Should().Be(string.Concat(formats.Select(cp => cp > 0xffff ? $"\\U{cp:x8}" : $"\\u{cp:x4}")));
        VisibleText.Escape(escaped).Should().BeSameAs(escaped, "escaping is idempotent");
    }

    [Fact]
    public void Text_without_anything_to_escape_allocates_nothing_even_with_emoji_and_other_scripts()
    {
        string[] texts = ["alice@example.com", @"CORP\alice", "zoë, 東京, 🎉 ok", "\U0001F468 family without joiners \U0001F469"];
        foreach (var text in texts)
        {
            VisibleText.Escape(text);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var same = 0;
        for (var i = 0; i < 1_000; i++)
        {
            foreach (var text in texts)
            {
                same += ReferenceEquals(VisibleText.Escape(text), text) ? 1 : 0;
                same += ReferenceEquals(VisibleText.VisibleForm(text), text) ? 1 : 0;
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        same.Should().Be(8_000);
        allocated.Should().Be(0);
    }

    [Fact]
    public void Escaping_format_characters_twice_reads_the_same_as_escaping_once()
    {
        const string hostile = "alice\u200b\U000E0041\u00ad\ufeff\\u200b\n";
        var once = VisibleText.Escape(hostile);

        once.Should().Be(@"alice\u200b\U000e0041\u00ad\ufeff\u200b\n");
        VisibleText.Escape(once).Should().BeSameAs(once);
    }

    [Fact]
    public void Line_breaks_kept_for_CSV_do_not_keep_format_characters()
    {
        VisibleText.Escape("one\r\n\u200btwo\U000E0041", keepLineBreaks: true).Should().Be("one\r\n" + @"\u200btwo\U000e0041");
    }

    [Theory]
    [InlineData("alice\u200b", "alice")]
    [InlineData("alice\U000E0041", "alice")]
    [InlineData("\ufeffal\u00adi\u2060ce", "alice")]
    [InlineData("ali\u202ece\n", "alice")]
    [InlineData("\U0001F468\u200D\U0001F469", "\U0001F468\U0001F469")]
    [InlineData("\u200b", "")]
    public void The_visible_form_drops_every_character_that_would_be_escaped(string text, string expected)
    {
        VisibleText.VisibleForm(text).Should().Be(expected);
    }

    [Fact]
    public void The_visible_form_of_text_without_hidden_characters_is_the_same_instance()
    {
        const string text = "zoë, 東京, 🎉 ok";

        VisibleText.VisibleForm(text).Should().BeSameAs(text);
        VisibleText.VisibleForm(null).Should().BeEmpty();
    }
}
