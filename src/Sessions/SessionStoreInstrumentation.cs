using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Sessions;

/// <summary>
/// Runs one store operation with the same telemetry on every store: a span from <see cref="SessionStoreTelemetry.ActivitySource"/>,
/// a duration measurement tagged with the operation, its outcome and, when it fails, its error type, and a log event for
/// each provider fault. What a provider fault is, and the <see cref="SessionStoreException"/> it becomes, is the store's own hook.
/// </summary>
/// <remarks>Nothing is logged on success, so the hot path (Touch) costs a span only when someone listens.</remarks>
internal sealed partial class SessionStoreInstrumentation
{
    private static readonly string CancelledErrorType = typeof(TaskCanceledException).FullName!;

    private readonly SessionStoreTelemetry.Target _target;
    private readonly ILogger _logger;
    private readonly Func<string, string?, Exception, SessionStoreException?>? _mapFault;

    /// <summary>Initializes the instrumentation of one store.</summary>
    /// <param name="tableName">The DynamoDB table the spans and measurements name, or <see langword="null"/> for the in-memory store.</param>
    /// <param name="logger">Where provider faults are logged.</param>
    /// <param name="mapFault">
    /// Given the operation, the session id and an exception the operation threw, the exception to throw instead when it
    /// is a provider fault; <see langword="null"/> to let it pass unchanged. A caller's cancellation always passes.
    /// </param>
    public SessionStoreInstrumentation(string? tableName, ILogger logger, Func<string, string?, Exception, SessionStoreException?>? mapFault = null)
    {
        _target = new SessionStoreTelemetry.Target(tableName);
        _logger = logger;
        _mapFault = mapFault;
    }

    /// <summary>Runs <paramref name="body"/> as the store operation <paramref name="operation"/> on session <paramref name="id"/> (if any).</summary>
    public async Task<T> RunAsync<T>(string operation, string? id, Func<CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = _target.StartActivity(operation, id);
        var outcome = SessionStoreTelemetry.Outcomes.Success;
        string? errorType = null, statusCode = null;
        try
        {
            return await body(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var cancelled = ex is OperationCanceledException && cancellationToken.IsCancellationRequested;
            var fault = cancelled ? null : _mapFault?.Invoke(operation, id, ex);

            // error.type names the cause: the provider's exception inside a fault, else what the caller gets.
            errorType = SessionStoreTelemetry.ErrorType(ex);
            statusCode = SessionStoreTelemetry.ResponseStatusCode(ex);
            if (fault is null)
            {
                outcome = SessionStoreTelemetry.Outcomes.Of(ex);
                throw;
            }

            outcome = SessionStoreTelemetry.Outcomes.Error;
            Log.ProviderFault(_logger, operation, _target.TableName, id, ex);
            throw fault;
        }
        finally
        {
            _target.Stop(activity, operation, outcome, errorType, statusCode, started);
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/>, which completes in place (the in-memory store), as the store operation
    /// <paramref name="operation"/> on session <paramref name="id"/> (if any), and returns its task: completed, faulted with
    /// what it threw, or cancelled when <paramref name="cancellationToken"/> is cancelled before it runs. The same telemetry as
    /// <see cref="RunAsync{T}"/> without an async frame or a second closure, so Touch allocates little more than the record.
    /// </summary>
    public Task<T> RunInPlace<T>(string operation, string? id, Func<T> body, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = _target.StartActivity(operation, id);
        var outcome = SessionStoreTelemetry.Outcomes.Success;
        string? errorType = null;
        try
        {
            if (cancellationToken.IsCancellationRequested)
            {
                // What the caller's await throws.
                outcome = SessionStoreTelemetry.Outcomes.Cancelled;
                errorType = CancelledErrorType;
                return Task.FromCanceled<T>(cancellationToken);
            }

            return Task.FromResult(body());
        }
        catch (Exception ex)
        {
            outcome = SessionStoreTelemetry.Outcomes.Of(ex);
            errorType = SessionStoreTelemetry.ErrorType(ex);
            return ex is OperationCanceledException { CancellationToken.IsCancellationRequested: true } cancelled
                ? Task.FromCanceled<T>(cancelled.CancellationToken)
                : Task.FromException<T>(ex);
        }
        finally
        {
            _target.Stop(activity, operation, outcome, errorType, responseStatusCode: null, started);
        }
    }

    /// <remarks>
    /// No message quotes text that could hold a control character: session ids are checked (16 hex characters) and table
    /// names validated before any request, operations are constants, and the messages of the store's exceptions are
    /// escaped where they are built (<see cref="SessionStoreException"/>).
    /// </remarks>
    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Session store {Operation} on table {TableName} failed (session {SessionId})")]
        public static partial void ProviderFault(ILogger logger, string operation, string? tableName, string? sessionId, Exception exception);
    }
}
