using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Sessions.Paging;

namespace Sessions.Tests.Model;

public sealed class PageTokenTests
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private static readonly DateTimeOffset From = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly PageQuery Query = PageQuery.ForUser("alice");

    private static readonly PageCursor AfterFirst = PageCursor.After("2026-01-20T02:19:09.1234567Z", "0123456789abcdef");
    private static readonly PageCursor AfterSecond = PageCursor.After("2026-01-19T23:00:00.0000000Z", "fedcba9876543210");

    /// <summary>Names of cursor sets: one stream (a single list) and three streams (a time range, one per status).</summary>
    public static TheoryData<string> CursorSets => new()
    {
        "start", "after", "done", "start+after+done", "after+after+done", "done+done+done", "start+start+after",
    };

    [Theory]
    [MemberData(nameof(CursorSets))]
    public void Decode_returns_the_cursors_that_were_encoded(string set)
    {
        var cursors = Cursors(set);
        var token = PageToken.Encode(Query, cursors);

        var decoded = PageToken.Decode(Page(token), Query, cursors.Length);

        decoded.Should().Equal(cursors);
    }

    [Fact]
    public void Decode_keeps_the_position_of_an_after_cursor_exactly()
    {
        var token = PageToken.Encode(Query, [AfterFirst]);

        var cursor = PageToken.Decode(Page(token), Query, 1)[0];

        cursor.State.Should().Be(PageCursorState.After);
        cursor.CreatedAt.Should().Be("2026-01-20T02:19:09.1234567Z");
        cursor.Id.Should().Be("0123456789abcdef");
    }

    [Fact]
    public void A_token_is_base64url_text_that_fits_in_a_url()
    {
        var token = PageToken.Encode(Query, [AfterFirst, AfterSecond, PageCursor.Done]);

        token.Should().MatchRegex("^[A-Za-z0-9_-]+$");
        token.Length.Should().BeLessThanOrEqualTo(PageToken.MaxLength);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void No_token_means_every_stream_at_its_start(int streams)
    {
        PageToken.Decode(null, Query, streams).Should().Equal(Enumerable.Repeat(PageCursor.Start, streams));
        PageToken.Decode(new PageRequest(), Query, streams).Should().Equal(Enumerable.Repeat(PageCursor.Start, streams));
        PageToken.Decode(new PageRequest(10, null), Query, streams).Should().Equal(Enumerable.Repeat(PageCursor.Start, streams));
    }

    [Theory]
    [InlineData("user", "alice", "user", "bob")]
    [InlineData("user", "alice", "user", "Alice")]
    [InlineData("user", "alice", "user", "alice ")]
    [InlineData("user", "alice", "profile", "alice")]
    [InlineData("profile", "prod", "profile", "dev")]
    [InlineData("status", "active", "status", "revoked")]
    [InlineData("status", "active", "status", "expired")]
    [InlineData("status", "active", "user", "active")]
    [InlineData("time", "from", "time", "later-from")]
    [InlineData("time", "from", "time", "later-to")]
    [InlineData("time", "from", "status", "active")]
    public void Decode_with_another_query_throws_ArgumentException_naming_page(string kind, string key, string otherKind, string otherKey)
    {
        var token = PageToken.Encode(QueryOf(kind, key), [AfterFirst]);

        var act = () => PageToken.Decode(Page(token), QueryOf(otherKind, otherKey), 1);

        act.Should().Throw<ArgumentException>().WithParameterName("page").WithMessage("*another query*");
        PageToken.Decode(Page(token), QueryOf(kind, key), 1).Should().Equal(AfterFirst);
    }

    [Fact]
    public void A_token_for_one_stream_is_rejected_where_three_are_expected_and_the_other_way_round()
    {
        var one = PageToken.Encode(Query, [AfterFirst]);
        var three = PageToken.Encode(Query, [AfterFirst, PageCursor.Start, PageCursor.Done]);

        FluentActions.Invoking(() => PageToken.Decode(Page(one), Query, 3)).Should().Throw<ArgumentException>().WithParameterName("page");
        FluentActions.Invoking(() => PageToken.Decode(Page(three), Query, 1)).Should().Throw<ArgumentException>().WithParameterName("page");
    }

    [Theory]
    [MemberData(nameof(CursorSets))]
    public void Every_single_character_change_of_a_token_is_rejected(string set)
    {
        var cursors = Cursors(set);
        var token = PageToken.Encode(Query, cursors);
        var replacements = Alphabet + "=+/. !\u00E9\0";

        for (var i = 0; i < token.Length; i++)
        {
            foreach (var replacement in replacements)
            {
                if (replacement == token[i])
                {
                    continue;
                }

                var altered = string.Concat(token.AsSpan(0, i), new string(replacement, 1), token.AsSpan(i + 1));
                ShouldBeRejected(altered, cursors.Length, $"character {i} changed from '{token[i]}' to '{replacement}'");
            }
        }
    }

    [Theory]
    [MemberData(nameof(CursorSets))]
    public void Every_truncation_of_a_token_is_rejected(string set)
    {
        var cursors = Cursors(set);
        var token = PageToken.Encode(Query, cursors);

        for (var length = 0; length < token.Length; length++)
        {
            ShouldBeRejected(token[..length], cursors.Length, $"truncated to {length} characters");
            ShouldBeRejected(token[(token.Length - length)..], cursors.Length, $"cut to its last {length} characters");
        }
    }

    [Theory]
    [MemberData(nameof(CursorSets))]
    public void A_token_with_characters_appended_is_rejected(string set)
    {
        var cursors = Cursors(set);
        var token = PageToken.Encode(Query, cursors);
        var suffixes = Alphabet.Select(c => c.ToString())
            .Concat(["=", "==", "===", "AA", "AAAA", "AA==", " ", "\n", "\r\n", "\t", "%3D", token]);

        foreach (var suffix in suffixes)
        {
            ShouldBeRejected(token + suffix, cursors.Length, $"'{suffix}' appended");
        }
    }

    [Theory]
    [MemberData(nameof(CursorSets))]
    public void A_token_with_characters_inserted_or_prefixed_is_rejected(string set)
    {
        var cursors = Cursors(set);
        var token = PageToken.Encode(Query, cursors);

        foreach (var insert in new[] { " ", "\n", "=", "A", "AAAA" })
        {
            ShouldBeRejected(insert + token, cursors.Length, $"'{insert}' prefixed");
            ShouldBeRejected(token.Insert(token.Length / 2, insert), cursors.Length, $"'{insert}' inserted");
        }
    }

    [Fact]
    public void Random_base64url_text_is_rejected()
    {
        var random = new Random(2026);
        for (var i = 0; i < 2_000; i++)
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            if (i % 2 == 0 && bytes.Length > 0)
            {
                bytes[0] = 1; // the current format version, so decoding goes past the first check
            }

            ShouldBeRejected(Base64Url.EncodeToString(bytes), 1, $"random bytes {Convert.ToHexString(bytes)}");
        }
    }

    [Fact]
    public void A_position_at_an_index_key_another_writer_left_in_any_form_decodes_so_that_paging_goes_past_it()
    {
        // An index holds created_at as another writer stored it, even in a form the reader refuses: a page may end on it.
        var token = PageToken.Encode(Query, [PageCursor.After("2026-01-20 02:19:09", "NOT-A-SESSION-ID")]);

        PageToken.Decode(Page(token), Query, 1).Should().Equal(PageCursor.After("2026-01-20 02:19:09", "NOT-A-SESSION-ID"));
    }

    [Fact]
    public void A_position_the_in_memory_store_never_writes_is_refused_by_its_list_before_anything_is_read()
    {
        var token = PageToken.Encode(Query, [PageCursor.After("yesterday", "0123456789abcdef")]);
        var cursor = PageToken.Decode(Page(token), Query, 1)[0];

        var after = () => SessionList.After(cursor);

        after.Should().Throw<ArgumentException>().WithMessage("*its position is not a stored item*");
    }

    /// <summary>Payloads with a valid checksum that the encoder never writes, so only the structure checks can refuse them.</summary>
    [Theory]
    [InlineData("count 3 with one cursor", 1)]
    [InlineData("count 1 with three cursors", 3)]
    [InlineData("count 0", 1)]
    [InlineData("trailing byte", 1)]
    [InlineData("unknown cursor state", 1)]
    [InlineData("unknown format version", 1)]
    [InlineData("after cursor with an empty id", 1)]
    [InlineData("after cursor whose id runs past the end", 1)]
    [InlineData("after cursor with an empty time", 1)]
    [InlineData("after cursor whose id is longer than a DynamoDB key (2,048 bytes)", 1)]
    [InlineData("after cursor whose time is longer than a DynamoDB sort key (1,024 bytes)", 1)]
    [InlineData("after cursor whose id is not UTF-8", 1)]
    public void A_checksummed_token_with_an_invalid_structure_is_rejected(string defect, int streams)
    {
        var fingerprint = Payload(PageToken.Encode(Query, [PageCursor.Start]))[1..9];
        byte[] start = [(byte)PageCursorState.Start];
        var payload = defect switch
        {
            "count 3 with one cursor" => Concat([2], fingerprint, [3], start),
            "count 1 with three cursors" => Concat([2], fingerprint, [1], start, start, start),
            "count 0" => Concat([2], fingerprint, [0]),
            "trailing byte" => Concat([2], fingerprint, [1], start, [0]),
            "unknown cursor state" => Concat([2], fingerprint, [1], [3]),
            "unknown format version" => Concat([1], fingerprint, [1], start),
            "after cursor with an empty id" => Concat([2], fingerprint, [1], [(byte)PageCursorState.After], Field("2026-01-20T02:19:09.0000000Z"), Field(string.Empty)),
            "after cursor whose id runs past the end" => Concat([2], fingerprint, [1], [(byte)PageCursorState.After], Field("2026-01-20T02:19:09.0000000Z"), [0, 16], "0123"u8.ToArray()),
            "after cursor with an empty time" => Concat([2], fingerprint, [1], [(byte)PageCursorState.After], Field(string.Empty), Field("0123456789abcdef")),
            "after cursor whose id is longer than a DynamoDB key (2,048 bytes)" => Concat([2], fingerprint, [1], [(byte)PageCursorState.After], Field("2026-01-20T02:19:09.0000000Z"), Field(new string('a', 3_000))),
            "after cursor whose time is longer than a DynamoDB sort key (1,024 bytes)" => Concat([2], fingerprint, [1], [(byte)PageCursorState.After], Field(new string('2', 1_025)), Field("0123456789abcdef")),
            "after cursor whose id is not UTF-8" => Concat([2], fingerprint, [1], [(byte)PageCursorState.After], Field("2026-01-20T02:19:09.0000000Z"), [0, 2, 0xC3, 0x28]),
            _ => throw new ArgumentOutOfRangeException(nameof(defect)),
        };

        ShouldBeRejected(Signed(payload), streams, defect);
    }

    [Fact]
    public void A_checksummed_token_built_like_the_encoder_builds_it_is_accepted()
    {
        // Guards the test above: its payloads differ from a valid one only by their defect.
        var fingerprint = Payload(PageToken.Encode(Query, [PageCursor.Start]))[1..9];
        var payload = Concat([2], fingerprint, [1], [(byte)PageCursorState.After], Field("2026-01-20T02:19:09.0000000Z"), Field("0123456789abcdef"));

        PageToken.Decode(Page(Signed(payload)), Query, 1).Should().Equal(PageCursor.After("2026-01-20T02:19:09.0000000Z", "0123456789abcdef"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("=")]
    [InlineData("====")]
    [InlineData(" ")]
    [InlineData("not a token")]
    [InlineData("AQ")]
    [InlineData("null")]
    [InlineData("{\"cursor\":1}")]
    public void Malformed_tokens_are_rejected(string token) =>
        ShouldBeRejected(token, 1, "malformed");

    [Theory]
    [InlineData(256)]
    [InlineData(1_024)]
    [InlineData(2_048)]
    public void A_cursor_on_a_stored_id_longer_than_255_bytes_round_trips(int bytes)
    {
        // DynamoDB stores partition keys up to 2,048 bytes; an id written by another tool may be that long.
        var id = new string('é', bytes / 2);
        var cursor = PageCursor.After("2026-01-20T02:19:09.5+02:00", id);
        PageCursor[] cursors = [cursor, cursor, cursor];

        var token = PageToken.Encode(Query, cursors);

        PageToken.Decode(Page(token), Query, 3).Should().Equal(cursors);
    }

    [Fact]
    public void A_cursor_on_a_key_longer_than_DynamoDB_stores_is_a_named_corrupt_item_not_an_overflow()
    {
        var act = () => PageToken.Encode(Query, [PageCursor.After("2026-01-20T02:19:09Z", new string('a', 2_049))]);

        act.Should().Throw<SessionCorruptException>().Which.AttributeName.Should().Be("id");
    }

    [Fact]
    public void A_one_megabyte_token_is_rejected()
    {
        var huge = new string('A', 1024 * 1024);

        ShouldBeRejected(huge, 1, "1 MB long");
        ShouldBeRejected(PageToken.Encode(Query, [AfterFirst]) + new string('A', PageToken.MaxLength), 1, "longer than the limit");
    }

    private static PageCursor[] Cursors(string set) =>
        set.Split('+').Select(name => name switch
        {
            "start" => PageCursor.Start,
            "done" => PageCursor.Done,
            "after" => AfterFirst,
            _ => throw new ArgumentOutOfRangeException(nameof(set)),
        }).Select((cursor, i) => cursor == AfterFirst && i > 0 ? AfterSecond : cursor).ToArray();

    private static byte[] Payload(string token)
    {
        var bytes = Base64Url.DecodeFromChars(token);
        return bytes[..^8];
    }

    private static string Signed(byte[] payload) => Base64Url.EncodeToString([.. payload, .. SHA256.HashData(payload)[..8]]);

    private static byte[] Field(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return [(byte)(bytes.Length >> 8), (byte)bytes.Length, .. bytes];
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    private static PageRequest Page(string token) => new(10, token);

    private static PageQuery QueryOf(string kind, string key) => kind switch
    {
        "user" => PageQuery.ForUser(key),
        "profile" => PageQuery.ForProfile(key),
        "status" => PageQuery.ForStatus(SessionStatusExtensions.TryParseStorageString(key, out var status) ? status : throw new ArgumentException(key)),
        "time" => key switch
        {
            "from" => PageQuery.ForTimeRange(From, To),
            "later-from" => PageQuery.ForTimeRange(From.AddTicks(1), To),
            "later-to" => PageQuery.ForTimeRange(From, To.AddTicks(1)),
            _ => throw new ArgumentException(key),
        },
        _ => throw new ArgumentException(kind),
    };

    private static void ShouldBeRejected(string token, int streams, string because)
    {
        var act = () => PageToken.Decode(Page(token), Query, streams);

        act.Should().Throw<ArgumentException>(because).WithParameterName("page");
    }
}
