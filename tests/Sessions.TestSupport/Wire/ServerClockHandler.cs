using System.Globalization;

namespace Sessions.TestSupport.Wire;

/// <summary>
/// Gives every answer of the server the <c>Date</c> header of <paramref name="serverTime"/>'s clock, as a DynamoDB whose
/// clock is that one would send: a test's fake "true" time, against which hosts with clocks of their own can be off.
/// The header counts whole seconds, as a real server's does.
/// </summary>
/// <param name="serverTime">The server's clock.</param>
public sealed class ServerClockHandler(TimeProvider serverTime) : DelegatingHandler
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        response.Headers.Remove("Date");
        response.Headers.TryAddWithoutValidation("Date", serverTime.GetUtcNow().ToString("r", CultureInfo.InvariantCulture));
        return response;
    }
}
