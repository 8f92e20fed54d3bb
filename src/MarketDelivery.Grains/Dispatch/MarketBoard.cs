using MarketDelivery.Contracts.Dispatch;

namespace MarketDelivery.Grains.Dispatch;

/// <summary>
/// A market's dispatch board as a view: the market's waves beside its part of the district's plan, the newest part
/// the district sent. In memory: the district stores the plan and sends the part again after a restart.
/// </summary>
internal sealed class MarketBoard
{
    private DistrictPlanPart? _part;
    /// <summary>Parts taken since the last re-plan (roster changes), for the board's version.</summary>
    private int _rosterChanges;

    /// <summary>Keeps the newer part of the district's plan (more re-plans first); false for one already held (or older).</summary>
    public bool Take(DistrictPlanPart part)
    {
        if (_part is not null && (_part.Replans, _part.Sequence).CompareTo((part.Replans, part.Sequence)) >= 0)
        {
            return false;
        }

        // A part of the same re-plan is a roster change (a courier started or ended a shift): the board must still look
        // newer to a client that has it, or the client would drop the push as already seen.
        _rosterChanges = _part is not null && _part.Replans == part.Replans ? _rosterChanges + 1 : 0;
        _part = part;
        return true;
    }

    /// <summary>Orders the part in force has on a route or lists unassigned.</summary>
    public HashSet<string> PlannedOrderIds()
    {
        var planned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in _part?.Routes ?? [])
        {
            planned.UnionWith(route.Stops.Select(s => s.OrderId));
        }

        planned.UnionWith((_part?.Unassigned ?? []).Select(u => u.OrderId));
        return planned;
    }

    /// <summary>The board; an unassigned order that left the market's live orders since is not shown.</summary>
    public DispatchBoard Render(string marketId, IEnumerable<WaveEntry> waves, MarketOrderBook orders) => new(
        marketId,
        [.. waves.OrderBy(w => w.SlotStart).Select(w => new WaveView(w.SlotId, w.SlotStart, w.SlotEnd, w.ReleaseAt, w.ReleasedAt,
            orders.OrdersOf(w.SlotId)))],
        _part?.Routes ?? [], [.. (_part?.Unassigned ?? []).Where(u => orders.Contains(u.OrderId))],
        _part?.Replans ?? 0, _part?.LastPlannedAt, _part?.LastSolveMilliseconds, _part?.Violations ?? [], Version: Version,
        Couriers: _part?.Couriers ?? []);

    /// <summary>
    /// The re-plan count, in thousands, plus the roster changes since: it grows with every board pushed. After the
    /// dispatcher re-activates the roster count starts again, so until the next re-plan a client may take a roster-only
    /// push for one it has (it reads the board again on reconnect or the next plan).
    /// </summary>
    private int Version => ((_part?.Replans ?? 0) * 1000) + Math.Min(_rosterChanges, 999);
}
