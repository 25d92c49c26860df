using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Sessions.Benchmarks.Infrastructure;

/// <summary>
/// Stands in for the network: answers every DynamoDB request in process with a canned JSON body chosen by the
/// operation in <c>X-Amz-Target</c>. The bodies are encoded once and served from the same byte arrays, so the handler
/// adds one small response object per call and nothing that grows with the body.
/// </summary>
internal sealed class CannedDynamoDbHandler : HttpMessageHandler
{
    private const string TargetHeader = "X-Amz-Target";
    private const string TargetPrefix = "DynamoDB_20120810.";

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/x-amz-json-1.0");

    private readonly Dictionary<string, byte[]> _responses = new(StringComparer.Ordinal);
    private List<CapturedRequest>? _captured;

    /// <summary>Answers <paramref name="operation"/> (for example <c>UpdateItem</c>) with <paramref name="json"/>.</summary>
    public CannedDynamoDbHandler Respond(string operation, string json)
    {
        _responses[TargetPrefix + operation] = Encoding.UTF8.GetBytes(json);
        return this;
    }

    /// <summary>Records the requests sent while <paramref name="action"/> runs (slow; for checks, never while measuring).</summary>
    public async Task<List<CapturedRequest>> CaptureAsync(Func<Task> action)
    {
        _captured = [];
        try
        {
            await action();
            return _captured;
        }
        finally
        {
            _captured = null;
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = request.Headers.NonValidated.TryGetValues(TargetHeader, out var values) ? values.ToString() : string.Empty;
        return _captured is null ? Task.FromResult(Answer(target)) : CaptureAndAnswerAsync(request, target, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The AWS SDK sends asynchronously.");

    private async Task<HttpResponseMessage> CaptureAndAnswerAsync(HttpRequestMessage request, string target, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        _captured!.Add(new CapturedRequest(target[TargetPrefix.Length..], body));
        return Answer(target);
    }

    private HttpResponseMessage Answer(string target)
    {
        if (!_responses.TryGetValue(target, out var body))
        {
            throw new InvalidOperationException($"No canned response for '{target}'.");
        }

        var content = new ByteArrayContent(body);
        content.Headers.ContentType = JsonContentType;
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }
}

/// <summary>One request as it went on the wire: the operation and its JSON body.</summary>
internal sealed record CapturedRequest(string Operation, string Body);
