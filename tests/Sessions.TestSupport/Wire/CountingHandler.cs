namespace Sessions.TestSupport.Wire;

/// <summary>
/// Counts the requests that reach the wire, per DynamoDB operation (from the <c>X-Amz-Target</c> header), so a test
/// can assert exact round trips. It sits below the SDK's retries: a retried call counts every attempt. Thread-safe.
/// </summary>
public sealed class CountingHandler : DelegatingHandler
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Initializes a handler whose inner handler the client factory supplies.</summary>
    public CountingHandler()
    {
    }

    /// <summary>Initializes a handler that passes requests on to <paramref name="innerHandler"/>.</summary>
    public CountingHandler(HttpMessageHandler innerHandler)
        : base(innerHandler)
    {
    }

    /// <summary>Gets the number of requests sent since creation or the last <see cref="Reset"/>.</summary>
    public int Total
    {
        get
        {
            lock (_counts)
            {
                return _counts.Values.Sum();
            }
        }
    }

    /// <summary>Gets the number of requests of one operation, for example <c>UpdateItem</c>.</summary>
    public int this[string operation]
    {
        get
        {
            lock (_counts)
            {
                return _counts.GetValueOrDefault(operation);
            }
        }
    }

    /// <summary>Returns a copy of the counts by operation; operations never sent are absent.</summary>
    public IReadOnlyDictionary<string, int> Snapshot()
    {
        lock (_counts)
        {
            return new Dictionary<string, int>(_counts, StringComparer.Ordinal);
        }
    }

    /// <summary>Forgets every count, for example after a test's setup requests.</summary>
    public void Reset()
    {
        lock (_counts)
        {
            _counts.Clear();
        }
    }

    /// <summary>Returns the DynamoDB operation of a request: <c>DynamoDB_20120810.UpdateItem</c> gives <c>UpdateItem</c>.</summary>
    public static string OperationOf(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Headers.TryGetValues("X-Amz-Target", out var values) && values.FirstOrDefault() is { } target)
        {
            return target[(target.LastIndexOf('.') + 1)..];
        }

        return "(no X-Amz-Target)";
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = OperationOf(request);
        lock (_counts)
        {
            _counts[operation] = _counts.GetValueOrDefault(operation) + 1;
        }

        return base.SendAsync(request, cancellationToken);
    }
}
