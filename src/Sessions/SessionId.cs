using System.Security.Cryptography;

namespace Sessions;

/// <summary>Session identifiers: 16 lowercase hexadecimal characters (8 random bytes).</summary>
/// <remarks>An id is a correlation id, not a secret: it names a session in logs and commands, and grants nothing.</remarks>
public static class SessionId
{
    /// <summary>The length of every session id.</summary>
    public const int Length = 16;

    /// <summary>Returns a new id made of 8 bytes from <see cref="RandomNumberGenerator"/>.</summary>
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[Length / 2];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>Returns <see langword="true"/> when <paramref name="value"/> is exactly 16 characters of <c>[0-9a-f]</c>. Allocates nothing.</summary>
    /// <param name="value">The candidate id.</param>
    public static bool IsValid(string? value)
    {
        if (value is null || value.Length != Length)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigitLower(c))
            {
                return false;
            }
        }

        return true;
    }
}
