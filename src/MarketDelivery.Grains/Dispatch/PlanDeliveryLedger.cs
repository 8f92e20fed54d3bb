namespace MarketDelivery.Grains.Dispatch;

/// <summary>What the plan in force tells an order: its courier and ETA, or why it has none.</summary>
internal readonly record struct OrderAssignment(string? CourierId, DateTimeOffset? Eta, string? Note);

/// <summary>
/// Who has yet to take the plan in force: couriers (their route), orders (their courier and ETA) and markets (their
/// board's part). The district dispatcher sends what is owed and marks what was taken; an order already told the same
/// thing is not owed again, so a re-plan costs calls only where it changed something. In memory: after a restart the
/// whole stored plan is owed again. Holds the live orders only.
/// </summary>
internal sealed class PlanDeliveryLedger
{
    private readonly Dictionary<string, OrderAssignment> _assigned = [];
    private readonly Dictionary<string, OrderAssignment> _told = [];
    private readonly HashSet<string> _routesOwed = [];
    private readonly HashSet<string> _partsOwed = [];

    public bool OwesAnything => _routesOwed.Count > 0 || _partsOwed.Count > 0 || _assigned.Any(IsOwed);

    public void OweRoutes(IEnumerable<string> courierIds) => _routesOwed.UnionWith(courierIds);

    public void OweParts(IEnumerable<string> marketIds) => _partsOwed.UnionWith(marketIds);

    /// <summary>What the plan in force tells an order (on activation, from the stored routes).</summary>
    public void Assign(string orderId, OrderAssignment assignment) => _assigned[orderId] = assignment;

    /// <summary>A new plan: these are all the orders it tells, and what was told to orders no longer planned is forgotten.</summary>
    public void ReplaceAssignments(IEnumerable<KeyValuePair<string, OrderAssignment>> assignments)
    {
        _assigned.Clear();
        foreach (var (orderId, assignment) in assignments)
        {
            _assigned[orderId] = assignment;
        }

        foreach (var orderId in _told.Keys.Where(id => !_assigned.ContainsKey(id)).ToList())
        {
            _told.Remove(orderId);
        }
    }

    /// <summary>The order left the market's orders (delivered, cancelled, returned): nothing more to tell it.</summary>
    public void Forget(string orderId)
    {
        _assigned.Remove(orderId);
        _told.Remove(orderId);
    }

    /// <summary>
    /// The order no longer holds the courier it was told (a failed delivery cleared it and it was sent out again):
    /// tell it again, even if the next plan says the same.
    /// </summary>
    public void ForgetToldIfCourierIsNot(string orderId, string? courierId)
    {
        if (_told.TryGetValue(orderId, out var told) && told.CourierId != courierId)
        {
            _told.Remove(orderId);
        }
    }

    /// <summary>Couriers owed their route who are still on shift; the others are owed nothing any more.</summary>
    public List<string> RoutesOwed(Func<string, bool> onShift)
    {
        var routes = _routesOwed.Where(onShift).ToList();
        _routesOwed.IntersectWith(routes);
        return routes;
    }

    public List<KeyValuePair<string, OrderAssignment>> OrdersOwed() => [.. _assigned.Where(IsOwed)];

    /// <summary>The order was never told this assignment (or was told something else since).</summary>
    private bool IsOwed(KeyValuePair<string, OrderAssignment> assigned) =>
        !_told.TryGetValue(assigned.Key, out var told) || told != assigned.Value;

    public List<string> PartsOwed() => [.. _partsOwed];

    public void RouteTaken(string courierId) => _routesOwed.Remove(courierId);

    public void OrderTold(string orderId, OrderAssignment assignment) => _told[orderId] = assignment;

    public void PartTaken(string marketId) => _partsOwed.Remove(marketId);
}
