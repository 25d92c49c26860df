using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Sessions.Paging;

/// <summary>
/// Encodes list positions as opaque continuation tokens bound to their query. A token carries a fingerprint of the
/// query and a checksum, so a token from another query, a truncated or an altered one is refused with an
/// <see cref="ArgumentException"/> before any I/O. Tokens are not authorization: the query's own key, never the
/// token, decides which index and partition a list reads.
/// </summary>
internal static class PageToken
{
    /// <summary>
    /// Longer tokens are refused before decoding. Room for three cursors of the longest keys DynamoDB stores (an id of
    /// 2,048 bytes and a <c>created_at</c> of 1,024), so that no stored item makes a token that cannot be read back.
    /// </summary>
    public const int MaxLength = 16_384;

    private const byte FormatVersion = 2;
    private const int FingerprintLength = 8;
    private const int ChecksumLength = 8;
    private const string ParamName = "page";

    /// <summary>The longest key DynamoDB stores: a partition key (the table's <c>id</c>) of 2,048 bytes.</summary>
    private const int MaxKeyBytes = 2048;

    /// <summary>The longest sort key DynamoDB stores (an index's <c>created_at</c>): 1,024 bytes.</summary>
    private const int MaxSortKeyBytes = 1024;

    /// <summary>Decodes UTF-8 strictly: a token whose text is not valid UTF-8 was not written by <see cref="Encode"/>.</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The only characters <see cref="Encode"/> writes (base64url without padding).</summary>
    private static readonly SearchValues<char> TokenCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public static string Encode(PageQuery query, ReadOnlySpan<PageCursor> cursors)
    {
        var buffer = new List<byte>(64) { FormatVersion };
        buffer.AddRange(Fingerprint(query));
        buffer.Add(checked((byte)cursors.Length));
        foreach (var cursor in cursors)
        {
            buffer.Add((byte)cursor.State);
            if (cursor.State == PageCursorState.After)
            {
                AddString(buffer, cursor.CreatedAt!);
                AddString(buffer, cursor.Id!);
            }
        }

        var payload = buffer.ToArray();
        var token = new byte[payload.Length + ChecksumLength];
        payload.CopyTo(token, 0);
        Checksum(payload).CopyTo(token.AsSpan(payload.Length));
        return Base64UrlEncode(token);
    }

    /// <summary>Decodes the token of <paramref name="page"/> for <paramref name="query"/>; no token means every stream at its start.</summary>
    /// <exception cref="ArgumentException">The token is malformed, altered, or belongs to another query.</exception>
    public static PageCursor[] Decode(PageRequest? page, PageQuery query, int streams)
    {
        var token = page?.ContinuationToken;
        if (token is null)
        {
            var fresh = new PageCursor[streams];
            Array.Fill(fresh, PageCursor.Start);
            return fresh;
        }

        if (token.Length == 0 || token.Length > MaxLength)
        {
            throw Invalid("it is empty or too long");
        }

        var bytes = Base64UrlDecode(token) ?? throw Invalid("it is not base64url");
        if (bytes.Length < 1 + FingerprintLength + 1 + ChecksumLength || bytes[0] != FormatVersion)
        {
            throw Invalid("it is truncated or of an unknown format");
        }

        var payload = bytes.AsSpan(0, bytes.Length - ChecksumLength);
        if (!CryptographicOperations.FixedTimeEquals(Checksum(payload), bytes.AsSpan(bytes.Length - ChecksumLength)))
        {
            throw Invalid("it was altered or truncated");
        }

        if (!payload.Slice(1, FingerprintLength).SequenceEqual(Fingerprint(query)))
        {
            throw Invalid("it belongs to another query");
        }

        ReadOnlySpan<byte> reader = payload[(1 + FingerprintLength)..];
        if (reader[0] != streams)
        {
            throw Invalid("it belongs to another query");
        }

        reader = reader[1..];
        var cursors = new PageCursor[streams];
        for (var i = 0; i < streams; i++)
        {
            cursors[i] = ReadCursor(ref reader);
        }

        return reader.IsEmpty ? cursors : throw Invalid("it has trailing data");
    }

    /// <summary>
    /// Refuses a token whose position lies outside the key range of its query (<see cref="SessionTimestamp.KeyRange"/>):
    /// no store could have written it, and a DynamoDB query would reject it as a provider fault.
    /// </summary>
    /// <exception cref="ArgumentException">A cursor lies outside the range.</exception>
    public static void ThrowIfOutside(ReadOnlySpan<PageCursor> cursors, (string Low, string High) range)
    {
        foreach (var cursor in cursors)
        {
            if (cursor.State == PageCursorState.After
                && (string.CompareOrdinal(cursor.CreatedAt, range.Low) < 0 || string.CompareOrdinal(cursor.CreatedAt, range.High) > 0))
            {
                throw Invalid("its position lies outside the query's time range");
            }
        }
    }

    private static PageCursor ReadCursor(ref ReadOnlySpan<byte> reader)
    {
        if (reader.IsEmpty)
        {
            throw Invalid("it is truncated");
        }

        var state = (PageCursorState)reader[0];
        reader = reader[1..];
        switch (state)
        {
            case PageCursorState.Start:
                return PageCursor.Start;
            case PageCursorState.Done:
                return PageCursor.Done;
            case PageCursorState.After:
                // A position is an index key as DynamoDB returned it: an id of 1 to 2,048 bytes and a created_at of 1 to
                // 1,024 bytes (another writer's created_at may be in any form, even none the reader accepts, and paging
                // must still go past it). Anything else never came from a store: refused here, before any request.
                var createdAt = ReadString(ref reader, MaxSortKeyBytes);
                var id = ReadString(ref reader, MaxKeyBytes);
                return createdAt.Length > 0 && id.Length > 0
                    ? PageCursor.After(createdAt, id)
                    : throw Invalid("its position is not a stored item");
            default:
                throw Invalid("it has an unknown cursor state");
        }
    }

    /// <summary>Writes a string as its UTF-8 length (two bytes, big-endian) and bytes; a string longer than any key DynamoDB stores is refused.</summary>
    private static void AddString(List<byte> buffer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > MaxKeyBytes)
        {
            throw new SessionCorruptException(null, "id", $"An index entry holds a key of {bytes.Length} UTF-8 bytes, more than DynamoDB stores ({MaxKeyBytes}).");
        }

        buffer.Add((byte)(bytes.Length >> 8));
        buffer.Add((byte)bytes.Length);
        buffer.AddRange(bytes);
    }

    private static string ReadString(ref ReadOnlySpan<byte> reader, int maxBytes)
    {
        if (reader.Length < 2 || reader.Length < 2 + ((reader[0] << 8) | reader[1]))
        {
            throw Invalid("it is truncated");
        }

        var length = (reader[0] << 8) | reader[1];
        if (length > maxBytes)
        {
            throw Invalid($"its position holds a key of {length} bytes, more than DynamoDB stores ({maxBytes})");
        }

        string value;
        try
        {
            value = StrictUtf8.GetString(reader.Slice(2, length));
        }
        catch (DecoderFallbackException)
        {
            throw Invalid("its position is not valid UTF-8 text");
        }

        reader = reader[(2 + length)..];
        return value;
    }

    private static byte[] Fingerprint(PageQuery query)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"sessions-page-query\0{query.Kind}\0{query.Key}"));
        return hash[..FingerprintLength];
    }

    private static byte[] Checksum(ReadOnlySpan<byte> payload)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(payload, hash);
        return hash[..ChecksumLength].ToArray();
    }

#pragma warning disable CA2208 // The token arrives inside the caller's 'page' argument, which is the parameter to name.
    internal static ArgumentException Invalid(string why) =>
        new($"The continuation token is not valid for this query: {why}. Pass the token of the previous page of the same query, or none for the first page.", ParamName);
#pragma warning restore CA2208

    private static string Base64UrlEncode(byte[] bytes) => Base64Url.EncodeToString(bytes);

    private static byte[]? Base64UrlDecode(string token)
    {
        // Base64Url alone would also accept whitespace anywhere and '=' padding: a token must be exactly as written.
        if (token.AsSpan().ContainsAnyExcept(TokenCharacters) || !Base64Url.IsValid(token))
        {
            return null;
        }

        var bytes = new byte[Base64Url.GetMaxDecodedLength(token.Length)];
        return Base64Url.TryDecodeFromChars(token, bytes, out var written) ? bytes[..written] : null;
    }
}
