namespace MarketDelivery.Domain.Markets;

/// <summary>The set of markets known to the platform, with id look-ups. Immutable once built.</summary>
public sealed class MarketCatalog
{
    private readonly Dictionary<string, Market> _markets;
    private readonly Dictionary<string, (Market Market, Stall Stall)> _stalls;
    private readonly Dictionary<string, District> _districts;
    private readonly Dictionary<string, District> _districtOfMarket;

    /// <summary>
    /// A catalogue of <paramref name="markets"/>, grouped into <paramref name="districts"/>; every market in no
    /// district is a district of its own (<see cref="District.Alone"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Duplicate market, stall or district ids; a district naming an unknown
    /// market, no market, or a market another district already has.</exception>
    public MarketCatalog(IEnumerable<Market> markets, IEnumerable<District>? districts = null)
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

        _districts = new Dictionary<string, District>(StringComparer.Ordinal);
        _districtOfMarket = new Dictionary<string, District>(StringComparer.Ordinal);
        var grouped = new List<District>();
        foreach (var district in districts ?? [])
        {
            if (district.MarketIds.Count == 0)
            {
                throw new ArgumentException($"District '{district.Id}' has no market.", nameof(districts));
            }
            foreach (var marketId in district.MarketIds)
            {
                if (!_markets.ContainsKey(marketId))
                {
                    throw new ArgumentException($"District '{district.Id}' names unknown market '{marketId}'.", nameof(districts));
                }
                if (!_districtOfMarket.TryAdd(marketId, district))
                {
                    throw new ArgumentException(
                        $"Market '{marketId}' is in two districts ('{_districtOfMarket[marketId].Id}' and '{district.Id}').", nameof(districts));
                }
            }
            grouped.Add(district);
        }
        foreach (var market in list.Where(m => !_districtOfMarket.ContainsKey(m.Id)))
        {
            var alone = District.Alone(market);
            _districtOfMarket[market.Id] = alone;
            grouped.Add(alone);
        }
        foreach (var district in grouped)
        {
            if (!_districts.TryAdd(district.Id, district))
            {
                throw new ArgumentException($"Duplicate district id '{district.Id}' (a district may not take the id of a market outside it).",
                    nameof(districts));
            }
        }
        Districts = grouped.AsReadOnly();
    }

    /// <summary>Every district: those of the seed data first, then one per market in none.</summary>
    public IReadOnlyList<District> Districts { get; }

    public District? FindDistrict(string id) =>
        id is not null && _districts.TryGetValue(id, out var district) ? district : null;

    /// <summary>The district planning <paramref name="marketId"/>; null for an unknown market.</summary>
    public District? DistrictOf(string marketId) =>
        marketId is not null && _districtOfMarket.TryGetValue(marketId, out var district) ? district : null;

    /// <summary>All markets, in load order (sorted by id when loaded from seed data).</summary>
    public IReadOnlyList<Market> Markets { get; }

    public Market? FindMarket(string id) =>
        id is not null && _markets.TryGetValue(id, out var market) ? market : null;

    /// <summary>Finds a stall by its globally unique id, together with its market.</summary>
    public (Market Market, Stall Stall)? FindStall(string stallId) =>
        stallId is not null && _stalls.TryGetValue(stallId, out var found) ? found : null;
}
