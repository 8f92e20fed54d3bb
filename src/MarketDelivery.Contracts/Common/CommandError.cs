namespace MarketDelivery.Contracts.Common;

/// <summary>Why a command was refused; the HTTP and SignalR layers turn it into problem details or hub errors.</summary>
public enum ErrorKind
{
    /// <summary>The input is wrong (HTTP 400).</summary>
    Invalid = 0,
    /// <summary>A referenced thing does not exist (HTTP 404).</summary>
    NotFound = 1,
    /// <summary>The command is not legal in the current state (HTTP 409).</summary>
    Conflict = 2,
    /// <summary>An idempotency key was reused for a different request (HTTP 422).</summary>
    IdempotencyMismatch = 3,
    /// <summary>The request is well-formed but names something it may not use, such as a photo never uploaded (HTTP 422).</summary>
    Unprocessable = 4,
    /// <summary>Too many attempts: refused until <see cref="CommandError.RetryAfter"/> has passed (HTTP 429 with Retry-After).</summary>
    TooManyAttempts = 5,
}

/// <summary>
/// A refused command. <paramref name="Fields"/> maps input fields to what is wrong with them; <paramref name="RetryAfter"/>
/// says how long a refusal of kind <see cref="ErrorKind.TooManyAttempts"/> lasts.
/// </summary>
[GenerateSerializer, Immutable, Alias("md.CommandError")]
public sealed record CommandError(
    [property: Id(0)] ErrorKind Kind,
    [property: Id(1)] string Title,
    [property: Id(2)] string Detail,
    [property: Id(3)] IReadOnlyDictionary<string, string[]>? Fields = null,
    [property: Id(4)] TimeSpan? RetryAfter = null)
{
    public static CommandError Invalid(string detail, string field) =>
        new(ErrorKind.Invalid, "The request is not valid.", detail, new Dictionary<string, string[]> { [field] = [detail] });

    public static CommandError Invalid(IReadOnlyDictionary<string, string[]> fields) =>
        new(ErrorKind.Invalid, "The request is not valid.", string.Join(" ", fields.SelectMany(f => f.Value)), fields);

    public static CommandError NotFound(string detail) => new(ErrorKind.NotFound, "Not found.", detail);

    public static CommandError Conflict(string detail) => new(ErrorKind.Conflict, "The request conflicts with the current state.", detail);

    public static CommandError Unprocessable(string detail, string field) =>
        new(ErrorKind.Unprocessable, "The request cannot be processed.", detail, new Dictionary<string, string[]> { [field] = [detail] });

    public static CommandError TooManyAttempts(string detail, TimeSpan retryAfter) =>
        new(ErrorKind.TooManyAttempts, "Too many attempts.", detail, RetryAfter: retryAfter);
}
