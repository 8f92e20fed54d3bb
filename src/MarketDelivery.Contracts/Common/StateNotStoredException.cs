namespace MarketDelivery.Contracts.Common;

/// <summary>
/// A grain's storage did not accept a change (database unreachable, a write conflict), so the change was not made
/// and nothing was acknowledged. Transient: the same request may succeed later (HTTP 503 with Retry-After).
/// </summary>
[GenerateSerializer, Alias("md.StateNotStoredException")]
public sealed class StateNotStoredException : Exception
{
    public StateNotStoredException()
    {
    }

    public StateNotStoredException(string message)
        : base(message)
    {
    }

    public StateNotStoredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
