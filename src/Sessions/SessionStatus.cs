namespace Sessions;

/// <summary>
/// The state of a <see cref="ServerSession"/>. A session starts <see cref="Active"/> and may move once,
/// to <see cref="Revoked"/> or <see cref="Expired"/>; both are terminal.
/// </summary>
public enum SessionStatus
{
    /// <summary>The session may serve credentials. Stored as <c>"active"</c>.</summary>
    Active = 0,

    /// <summary>An operator revoked the session; it never serves again. Stored as <c>"revoked"</c>.</summary>
    Revoked = 1,

    /// <summary>The session ended by time or server shutdown; it never serves again. Stored as <c>"expired"</c>.</summary>
    Expired = 2,
}

/// <summary>The state machine of <see cref="SessionStatus"/>.</summary>
public static class SessionStatusExtensions
{
    /// <summary>Returns <see langword="true"/> for <see cref="SessionStatus.Revoked"/> and <see cref="SessionStatus.Expired"/>, which nothing leaves.</summary>
    /// <param name="status">The status to test.</param>
    public static bool IsTerminal(this SessionStatus status) => status is SessionStatus.Revoked or SessionStatus.Expired;

    /// <summary>
    /// Returns <see langword="true"/> when the state machine allows moving from <paramref name="status"/> to
    /// <paramref name="next"/>: only <c>Active → Revoked</c> and <c>Active → Expired</c>.
    /// </summary>
    /// <param name="status">The current status.</param>
    /// <param name="next">The status to move to.</param>
    public static bool CanTransitionTo(this SessionStatus status, SessionStatus next) =>
        status == SessionStatus.Active && next is SessionStatus.Revoked or SessionStatus.Expired;

    /// <summary>Returns the stored form of the status: <c>"active"</c>, <c>"revoked"</c> or <c>"expired"</c>.</summary>
    /// <param name="status">The status to name.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is not a defined value.</exception>
    public static string ToStorageString(this SessionStatus status) => status switch
    {
        SessionStatus.Active => "active",
        SessionStatus.Revoked => "revoked",
        SessionStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown session status."),
    };

    /// <summary>Parses the stored form of a status (exact, lowercase).</summary>
    /// <param name="value">The stored string.</param>
    /// <param name="status">The parsed status, when the result is <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is one of the three stored forms.</returns>
    public static bool TryParseStorageString(string? value, out SessionStatus status)
    {
        switch (value)
        {
            case "active": status = SessionStatus.Active; return true;
            case "revoked": status = SessionStatus.Revoked; return true;
            case "expired": status = SessionStatus.Expired; return true;
            default: status = default; return false;
        }
    }

    internal static bool IsDefined(this SessionStatus status) => status is SessionStatus.Active or SessionStatus.Revoked or SessionStatus.Expired;
}
