using System.Net;
using System.Text;

namespace Sessions.TestSupport.Wire;

/// <summary>
/// Answers chosen requests itself, the way DynamoDB would answer them, and passes the rest on to the server: a test's
/// way to inject throttling, server errors or unsupported operations. Thread-safe if the rule is.
/// </summary>
public sealed class FaultInjectingHandler : DelegatingHandler
{
    private readonly Func<HttpRequestMessage, HttpResponseMessage?> _answer;

    /// <summary>Initializes a handler that sends <paramref name="answer"/>'s response, or the server's when it returns null.</summary>
    /// <param name="answer">Decides per request; <see cref="CountingHandler.OperationOf"/> names the operation.</param>
    public FaultInjectingHandler(Func<HttpRequestMessage, HttpResponseMessage?> answer)
    {
        _answer = answer;
    }

    /// <summary>Builds a DynamoDB error response, for example <c>Error(HttpStatusCode.BadRequest, "ThrottlingException")</c>.</summary>
    /// <param name="status">The HTTP status: 400 for client errors and throttling, 500 for server errors.</param>
    /// <param name="errorType">The error type without its namespace, for example <c>ProvisionedThroughputExceededException</c>.</param>
    /// <param name="message">The error message.</param>
    public static HttpResponseMessage Error(HttpStatusCode status, string errorType, string message = "Injected by the test.") =>
        Json(status, $$"""{"__type":"com.amazonaws.dynamodb.v20120810#{{errorType}}","message":"{{message}}"}""");

    /// <summary>
    /// Builds DynamoDB's refusal of a write that races a write to the same item from another Region (global tables with
    /// multi-Region strong consistency): HTTP 400 with the JSON 1.0 error body every DynamoDB error has, <c>__type</c> naming
    /// the error and <c>message</c> (lower case, as the service model names the member) the SDK's documented text.
    /// </summary>
    public static HttpResponseMessage ReplicatedWriteConflict() => Error(
        HttpStatusCode.BadRequest, "ReplicatedWriteConflictException",
        "The request was rejected because one or more items in the request are being modified by a request in another Region.");

    /// <summary>Builds a DynamoDB response with a JSON body.</summary>
    public static HttpResponseMessage Json(HttpStatusCode status, string body) => new(status)
    {
        Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.0"),
    };

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _answer(request) is { } response ? Task.FromResult(response) : base.SendAsync(request, cancellationToken);
}
