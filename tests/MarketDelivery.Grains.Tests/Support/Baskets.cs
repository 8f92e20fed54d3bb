using System.Collections.Immutable;
using System.Text.Json;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Orders;

namespace MarketDelivery.Grains.Tests.Support;

/// <summary>Orders for 망원시장 from the real seed data, bookable at <see cref="TestSiloServices.Now"/>.</summary>
public static class Baskets
{
    public const string MarketId = "mangwon";
    public const string SlotId = "2026-11-23-1300";
    public const string Chaeso = "mangwon-chaeso";   // daepa 2,400; mu 2,300; aehobak 1,400
    public const string Gwail = "mangwon-gwail";     // sagwa-busa 15,300; sagwa-hongro 14,200; gamgyul 5,000; shine-muscat 11,800
    public const string Susan = "mangwon-susan";     // godeungeo 8,200

    public static DeliveryAddress Address => new(37.556, 126.9063, "서울 마포구 망원동 123-4, 2층");

    /// <summary>Three stalls: 망원농산 (2 lines), 햇살과일 (2 lines), 목포수산 (1 line).</summary>
    public static PlaceOrder ThreeStalls(string customerId, string idempotencyKey) => new(
        customerId, MarketId, Address, SlotId,
        [
            new OrderLineRequest(Chaeso, "daepa", 2, Substitution.None),
            new OrderLineRequest(Gwail, "sagwa-busa", 2, new Substitution(SubstitutionKind.Specific, "sagwa-hongro")),
            new OrderLineRequest(Chaeso, "mu", 1, new Substitution(SubstitutionKind.BestMatch)),
            new OrderLineRequest(Susan, "godeungeo", 1, Substitution.None),
            new OrderLineRequest(Gwail, "gamgyul", 2, new Substitution(SubstitutionKind.BestMatch)),
        ],
        idempotencyKey);

    // 2*2400 + 2*15300 + 2300 + 8200 + 2*5000
    public const long ThreeStallsTotal = 4800 + 30600 + 2300 + 8200 + 10000;

    public static string OrderIdFor(PlaceOrder command) => OrderIds.FromIdempotencyKey(command.CustomerId, command.IdempotencyKey!);

    public static ImmutableArray<PickConfirmation> Picks(params PickConfirmation[] lines) => [.. lines];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>Deep value comparison: records holding ImmutableArrays compare those by reference.</summary>
    public static string Canonical<T>(T value) => JsonSerializer.Serialize(value, Json);
}
