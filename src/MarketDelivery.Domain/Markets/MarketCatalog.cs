namespace MarketDelivery.Domain.Markets;

/// <summary>The set of markets known to the platform, with id look-ups. Immutable once built.</summary>
public sealed class MarketCatalog
{
    private readonly Dictionary<string, Market> _markets;
    private readonly Dictionary<string, (Market Market, Stall Stall)> _stalls;

    /// <exception cref="ArgumentException">Duplicate market or stall ids.</exception>
    public MarketCatalog(IEnumerable<Market> markets)
    {
        ArgumentNullException.ThrowIfNull(markets);
        var list = markets.ToList();
        _markets = new Dictionary<string, Market>(StringComparer.Ordinal);
        _stalls = new Dictionary<string, (Market, Stall)>(StringComparer.Ordinal);
        foreach (var market in list)
        {
            if (!_markets.TryAdd(market.Id, market))
            {
                throw new ArgumentException($"Duplicate market id '{market.Id}'.", nameof(markets));
            }
            foreach (var stall in market.Stalls)
            {
                if (!_stalls.TryAdd(stall.Id, (market, stall)))
                {
                    throw new ArgumentException(
                        $"Duplicate stall id '{stall.Id}' (markets '{_stalls[stall.Id].Market.Id}' and '{market.Id}').",
                        nameof(markets));
                }
            }
        }
        Markets = list.AsReadOnly();
    }

    /// <summary>All markets, in load order (sorted by id when loaded from seed data).</summary>
    public IReadOnlyList<Market> Markets { get; }

    public Market? FindMarket(string id) =>
        id is not null && _markets.TryGetValue(id, out var market) ? market : null;

    /// <summary>Finds a stall by its globally unique id, together with its market.</summary>
    public (Market Market, Stall Stall)? FindStall(string stallId) =>
        stallId is not null && _stalls.TryGetValue(stallId, out var found) ? found : null;
}
