namespace MarketDelivery.Routing;

/// <summary>Thrown before any solving when a problem is malformed; lists every error found.</summary>
public sealed class RoutingProblemException : Exception
{
    public RoutingProblemException(IReadOnlyList<string> errors)
        : base("Invalid routing problem: " + string.Join("; ", errors))
    {
        Errors = errors;
    }

    public RoutingProblemException()
        : this(["unspecified error"])
    {
    }

    public RoutingProblemException(string message)
        : this([message])
    {
    }

    public RoutingProblemException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    public IReadOnlyList<string> Errors { get; }
}
