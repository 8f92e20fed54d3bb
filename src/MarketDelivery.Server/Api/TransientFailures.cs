using System.Data.Common;
using System.Globalization;
using System.Net.Sockets;
using MarketDelivery.Contracts.Common;
using Microsoft.AspNetCore.Diagnostics;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Storage;
using Polly.Timeout;

namespace MarketDelivery.Server.Api;

/// <summary>
/// Which failures are worth trying again: the cluster moving (a silo gone or shutting down, a message rejected, a
/// gateway busy), a call timing out, the database unreachable or refusing for now, and a storage conflict (another
/// activation wrote first). They answer 503 with <c>Retry-After</c>; everything else unexpected stays a 500.
/// </summary>
public static class TransientFailures
{
    /// <summary>What <c>Retry-After</c> says, in seconds.</summary>
    public const int RetryAfterSeconds = 3;

    // SQLSTATE classes that mean "not now" rather than "never": 08 connection, 40 transaction rollback (serialization,
    // deadlock), 53 insufficient resources, 55 object not in prerequisite state (a database not accepting connections),
    // 57 operator intervention (shutdown, terminated backend), 58 system error (I/O).
    private static readonly string[] TransientSqlStateClasses = ["08", "40", "53", "55", "57", "58"];

    /// <summary>True when <paramref name="exception"/>, or any exception inside it, is a transient failure.</summary>
    public static bool IsTransient(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 16; depth++)
        {
            if (IsTransientItself(exception))
            {
                return true;
            }

            if (exception is AggregateException aggregate && aggregate.InnerExceptions.Any(IsTransient))
            {
                return true;
            }

            exception = exception.InnerException;
        }

        return false;
    }

    private static bool IsTransientItself(Exception exception) => exception switch
    {
        // SiloUnavailableException is an OrleansMessageRejectionException.
        OrleansMessageRejectionException or ConnectionFailedException or ClientNotAvailableException
            or GatewayTooBusyException or LimitExceededException or OrleansLifecycleCanceledException => true,
        Orleans.Networking.Shared.SocketConnectionException => true,
        Orleans.Runtime.MembershipService.OrleansClusterConnectivityCheckFailedException => true,
        InconsistentStateException => true,
        // A grain's storage refused its write: the change was not made, and the next activation reads what was stored.
        StateNotStoredException => true,
        TimeoutException or TimeoutRejectedException => true,
        SocketException => true,
        DbException db => db.IsTransient || db.SqlState is null || TransientSqlStateClasses.Any(c => db.SqlState.StartsWith(c, StringComparison.Ordinal)),
        _ => false,
    };

    public static void AddRetryAfter(HttpResponse response) =>
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Answers a transient failure (see <see cref="TransientFailures"/>) with 503 problem details and <c>Retry-After</c>
/// instead of a bare 500. Other exceptions are left to the default handler, which writes a 500 problem detail.
/// </summary>
public sealed class TransientFailureExceptionHandler(IProblemDetailsService problemDetails, ILogger<TransientFailureExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!TransientFailures.IsTransient(exception))
        {
            return false;
        }

        logger.LogWarning(exception, "Transient failure on {Method} {Path}: answered 503", httpContext.Request.Method, httpContext.Request.Path);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        TransientFailures.AddRetryAfter(httpContext.Response);
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Temporarily unavailable.",
                Detail = $"Part of the service is briefly unavailable (a server or the database is recovering). Try again in {TransientFailures.RetryAfterSeconds} seconds; an order is safe to send again with the same Idempotency-Key.",
            },
        });
    }
}
