namespace MarketDelivery.Grains;

/// <summary>
/// Points where fault tests step in: the server registers them only when test configuration asks for it
/// (e.g. a process that dies right after an order is written). Empty everywhere else.
/// </summary>
public sealed class GrainTestHooks
{
    /// <summary>Called with the order id and customer id right after a new order is stored, before anything else.</summary>
    public Action<string, string>? AfterOrderWritten { get; init; }
}
