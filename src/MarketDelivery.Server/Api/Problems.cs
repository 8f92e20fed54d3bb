using MarketDelivery.Contracts.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MarketDelivery.Server.Api;

/// <summary>Turns refused commands into RFC 9457 problem details with the status their kind calls for.</summary>
public static class Problems
{
    public static ProblemHttpResult From(CommandError error)
    {
        var status = error.Kind switch
        {
            ErrorKind.NotFound => StatusCodes.Status404NotFound,
            ErrorKind.Conflict => StatusCodes.Status409Conflict,
            ErrorKind.IdempotencyMismatch or ErrorKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
            ErrorKind.TooManyAttempts => StatusCodes.Status429TooManyRequests,
            _ => StatusCodes.Status400BadRequest,
        };

        var extensions = error.Fields is null ? null : new Dictionary<string, object?> { ["errors"] = error.Fields };
        return TypedResults.Problem(error.Detail, statusCode: status, title: error.Title, extensions: extensions);
    }

    /// <summary>Sets <c>Retry-After</c> (whole seconds, rounded up) when a refusal says how long it lasts.</summary>
    public static void AddRetryAfter(HttpResponse response, CommandError? error)
    {
        if (error?.RetryAfter is { } wait)
        {
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public static ProblemHttpResult NotFound(string detail) => From(CommandError.NotFound(detail));

    public static ProblemHttpResult Invalid(string field, string detail) => From(CommandError.Invalid(detail, field));

    public static ProblemHttpResult Invalid(IReadOnlyDictionary<string, string[]> fields) => From(CommandError.Invalid(fields));
}

/// <summary>
/// Malformed JSON, a wrong type or an oversized body surface as <see cref="BadHttpRequestException"/>; answer them
/// with a problem detail that says what was wrong instead of an empty 400 or a 500.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var detail = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? "The request body is too large."
            : bad.InnerException is System.Text.Json.JsonException json
                ? $"The request body is not valid JSON for this endpoint: {json.Message}"
                : bad.Message;

        httpContext.Response.StatusCode = bad.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Payload too large." : "The request could not be read.",
                Detail = detail,
            },
        });
    }
}
