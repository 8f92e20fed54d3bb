namespace MarketDelivery.Domain.Markets;

// Wire shapes of data/markets/<id>.json. Everything is nullable so that the loader can report
// missing fields by name instead of relying on serializer defaults.

internal sealed class MarketDto
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? District { get; set; }
    public string? Address { get; set; }
    public GeoPointDto? Location { get; set; }
    public HandOverPointDto? HandOverPoint { get; set; }
    public string? ServiceArea { get; set; }
    public string? TimeZone { get; set; }
    public OpeningHoursDto? OpeningHours { get; set; }
    public List<DeliverySlotDto?>? DeliverySlots { get; set; }
    public List<StallDto?>? Stalls { get; set; }
}

internal class GeoPointDto
{
    public double? Lat { get; set; }
    public double? Lon { get; set; }
}

internal sealed class HandOverPointDto : GeoPointDto
{
    public string? Description { get; set; }
}

internal sealed class OpeningHoursDto
{
    public string? Opens { get; set; }
    public string? Closes { get; set; }
}

internal sealed class DeliverySlotDto
{
    public string? Id { get; set; }
    public string? Start { get; set; }
    public string? End { get; set; }
    public string? Cutoff { get; set; }
}

internal sealed class StallDto
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Category { get; set; }
    public List<ProductDto?>? Products { get; set; }
}

internal sealed class ProductDto
{
    public string? Sku { get; set; }
    public string? Name { get; set; }
    public string? Unit { get; set; }
    public long? PriceWon { get; set; }
    public int? WeightGrams { get; set; }
    public bool? Available { get; set; }
    public int? Stock { get; set; }
}

internal sealed class DistrictsFileDto
{
    public List<DistrictDto?>? Districts { get; set; }
}

internal sealed class DistrictDto
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public List<string?>? Markets { get; set; }
}
