using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;
using Sessions.Diagnostics;

namespace Sessions;

/// <summary>Argument rules every store applies before any I/O; a violation is an <see cref="ArgumentException"/> naming the parameter.</summary>
internal static class SessionArguments
{
    /// <summary>The most UTF-8 bytes a key field (user, profile, server instance) may hold: the DynamoDB GSI key limit.</summary>
    public const int MaxKeyBytes = 1024;

    /// <summary>The most UTF-8 bytes a free-text field (source identity, revoked by, revoked reason) may hold.</summary>
    public const int MaxTextBytes = 4096;

    public static void ThrowIfInvalidId([NotNull] string? id, [CallerArgumentExpression(nameof(id))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(id, paramName);
        if (!SessionId.IsValid(id))
        {
            throw new ArgumentException($"A session id is exactly {SessionId.Length} lowercase hex characters; got {Describe(id)}.", paramName);
        }
    }

    public static void ThrowIfInvalidKey([NotNull] string? value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        if (value.Length == 0)
        {
            throw new ArgumentException("The value must not be empty.", paramName);
        }

        ThrowIfTooLong(value, MaxKeyBytes, paramName);
    }

    public static void ThrowIfInvalidText([NotNull] string? value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        ThrowIfTooLong(value, MaxTextBytes, paramName);
    }

    public static void ThrowIfInvalidStatus(SessionStatus status, [CallerArgumentExpression(nameof(status))] string? paramName = null)
    {
        if (!status.IsDefined())
        {
            throw new ArgumentOutOfRangeException(paramName, status, "Unknown session status.");
        }
    }

    /// <summary>The rules a session must meet to be stored by Create or Update.</summary>
    public static void ThrowIfInvalidSession([NotNull] ServerSession? session, [CallerArgumentExpression(nameof(session))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(session, paramName);
        ThrowIfInvalidId(session.Id, $"{paramName}.{nameof(ServerSession.Id)}");
        ThrowIfInvalidKey(session.User, $"{paramName}.{nameof(ServerSession.User)}");
        ThrowIfInvalidKey(session.Profile, $"{paramName}.{nameof(ServerSession.Profile)}");
        ThrowIfInvalidKey(session.ServerInstanceId, $"{paramName}.{nameof(ServerSession.ServerInstanceId)}");
        ThrowIfInvalidStatus(session.Status, $"{paramName}.{nameof(ServerSession.Status)}");
        ThrowIfInvalidText(session.SourceIdentity, $"{paramName}.{nameof(ServerSession.SourceIdentity)}");
        if (session.RevokedBy is not null)
        {
            ThrowIfInvalidText(session.RevokedBy, $"{paramName}.{nameof(ServerSession.RevokedBy)}");
        }

        if (session.RevokedReason is not null)
        {
            ThrowIfInvalidText(session.RevokedReason, $"{paramName}.{nameof(ServerSession.RevokedReason)}");
        }

        if (session.ExpiresAt <= session.StartedAt)
        {
            throw new ArgumentException($"ExpiresAt ({SessionTimestamp.Format(session.ExpiresAt)}) must be after StartedAt ({SessionTimestamp.Format(session.StartedAt)}).", $"{paramName}.{nameof(ServerSession.ExpiresAt)}");
        }

        if (session.RequestCount < 0)
        {
            throw new ArgumentOutOfRangeException($"{paramName}.{nameof(ServerSession.RequestCount)}", session.RequestCount, "The request count cannot be negative.");
        }

        if (session.Status == SessionStatus.Active && (session.RevokedBy is not null || session.RevokedReason is not null))
        {
            throw new ArgumentException("RevokedBy and RevokedReason are set only by revocation; an Active session has neither.", paramName);
        }
    }

    /// <summary>The rules for <see cref="ISessionStore.CreateAsync"/>: a valid session that is Active.</summary>
    public static void ThrowIfInvalidNewSession([NotNull] ServerSession? session, [CallerArgumentExpression(nameof(session))] string? paramName = null)
    {
        ThrowIfInvalidSession(session, paramName);
        if (session.Status != SessionStatus.Active)
        {
            throw new ArgumentException($"Only an Active session can be created; this one is {session.Status}.", $"{paramName}.{nameof(ServerSession.Status)}");
        }
    }

    public static void ThrowIfInvalidRevoker([NotNull] string? revokedBy, [NotNull] string? reason)
    {
        ThrowIfInvalidKey(revokedBy);
        ThrowIfInvalidText(reason);
    }

    public static void ThrowIfInvalidRange(DateTimeOffset createdFrom, DateTimeOffset createdBefore)
    {
        if (createdBefore < createdFrom)
        {
            throw new ArgumentOutOfRangeException(nameof(createdBefore), createdBefore, $"The range end must not be before its start ({SessionTimestamp.Format(createdFrom)}).");
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static void ThrowIfTooLong(string value, int maxBytes, string? paramName)
    {
        // Fast path: without surrogates every UTF-16 unit is at most 3 UTF-8 bytes.
        var hasSurrogates = value.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF');
        if (!hasSurrogates && value.Length <= maxBytes / 3)
        {
            return;
        }

        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException)
        {
            throw new ArgumentException("The value is not valid Unicode text (it holds an unpaired surrogate).", paramName);
        }

        if (bytes > maxBytes)
        {
            throw new ArgumentException($"The value is {bytes} UTF-8 bytes; at most {maxBytes} are allowed.", paramName);
        }
    }

    private static string Describe(string value) =>
        value.Length <= 40 ? $"'{VisibleText.Escape(value)}' ({value.Length} characters)" : $"{value.Length} characters";
}
