using System.Security.Cryptography;
using System.Text;

namespace Sessions.Samples.CredentialServer;

/// <summary>
/// The token clients present in their <c>Authorization</c> header. Compares in constant time: both sides are hashed
/// with SHA-256 first, so neither the content nor the length of the expected token shows in the time a refusal takes.
/// </summary>
internal sealed class AuthorizationToken
{
    private readonly byte[] _expectedHash;

    public AuthorizationToken(string token, bool generated)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        Value = token;
        Generated = generated;
        _expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    /// <summary>Gets the token, to hand to clients.</summary>
    public string Value { get; }

    /// <summary>Gets a value indicating whether the server made the token at start (none was configured).</summary>
    public bool Generated { get; }

    /// <summary>Makes a random token of 32 bytes, base64url.</summary>
    public static string NewValue() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Whether <paramref name="presented"/> (the header's value, <see langword="null"/> when absent) is the token.</summary>
    public bool Matches(string? presented)
    {
        if (presented is null)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), hash);
        return CryptographicOperations.FixedTimeEquals(hash, _expectedHash);
    }
}
