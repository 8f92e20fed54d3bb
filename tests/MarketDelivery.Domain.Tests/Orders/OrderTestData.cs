using System.Collections.Immutable;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Domain.Orders;

namespace MarketDelivery.Domain.Tests.Orders;

/// <summary>Orders against the real seed data (망원시장), at a fixed time when today's 13:00 slot is bookable.</summary>
internal static class OrderTestData
{
    public static readonly Lazy<MarketCatalog> LazyCatalog = new(() => SeedDataLoader.Load(SeedDataLoader.FindDataDirectory()));

    public static MarketCatalog Catalog => LazyCatalog.Value;

    /// <summary>Monday 2026-11-23, 10:30 in Seoul: the 11:00 slot closed at 10:00, the 13:00 slot closes at 12:00.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 30, 0, TimeSpan.FromHours(9));

    public const string MarketId = "mangwon";
    public const string SlotId = "2026-11-23-1300";
    public const string PastCutoffSlotId = "2026-11-23-1100";

    public const string Chaeso = "mangwon-chaeso";   // daepa 2400, mu 2300, jjokpa 3400, aehobak 1400
    public const string Gwail = "mangwon-gwail";     // sagwa-busa 15300, sagwa-hongro 14200 (stock 3), gamgyul 5000, shine-muscat 11800
    public const string Jeongyuk = "mangwon-jeongyuk"; // samgyeopsal 15800 (stock 12)
    public const string Banchan = "mangwon-banchan"; // pogi-kimchi is not available

    /// <summary>Inside 망원시장's service area (the market itself).</summary>
    public static DeliveryAddress Address => new(37.556, 126.9063, "서울 마포구 망원동 123-4, 2층");

    public static OrderLineRequest Line(string stallId, string sku, int quantity, Substitution? substitution = null) =>
        new(stallId, sku, quantity, substitution ?? Substitution.None);

    /// <summary>Four lines over three stalls; 망원농산 appears first and again third.</summary>
    public static ImmutableArray<OrderLineRequest> MultiStallLines =>
    [
        Line(Chaeso, "daepa", 2),
        Line(Gwail, "sagwa-busa", 2, new Substitution(SubstitutionKind.Specific, "sagwa-hongro")),
        Line(Chaeso, "mu", 1, new Substitution(SubstitutionKind.BestMatch)),
        Line(Jeongyuk, "samgyeopsal", 1),
        Line(Gwail, "gamgyul", 2, new Substitution(SubstitutionKind.BestMatch)),
    ];

    // 2*2400 + 2*15300 + 1*2300 + 1*15800 + 2*5000
    public const long MultiStallTotal = 4800 + 30600 + 2300 + 15800 + 10000;

    public static PlaceOrder Command(ImmutableArray<OrderLineRequest>? lines = null) =>
        new("cust-1", MarketId, Address, SlotId, lines ?? MultiStallLines, "key-1");

    public static ValidatedOrder Validated(PlaceOrder? command = null)
    {
        var result = OrderPlacement.Validate(Catalog, command ?? Command(), Now);
        Assert.True(result.Succeeded, result.Error?.Detail);
        return result.Value!;
    }

    public const string OrderId = "o-abcdefghijkmnpqr";

    public static Order NewOrder(PlaceOrder? command = null) => Order.Create(OrderId, Validated(command), Now);

    public static Stall Stall(string stallId) => Catalog.FindMarket(MarketId)!.FindStall(stallId)!;

    public static string TicketOf(Order order, string stallId) => order.Tickets.Single(t => t.StallId == stallId).TicketId;

    public static Contracts.Common.CommandResult<TicketConfirmation> Confirm(Order order, string stallId, params PickConfirmation[] lines) =>
        order.ConfirmTicket(stallId, TicketOf(order, stallId), lines, Stall(stallId), Now.AddMinutes(5));

    /// <summary>Confirms every line of the stall's ticket as picked in full.</summary>
    public static Contracts.Common.CommandResult<TicketConfirmation> ConfirmInFull(Order order, string stallId) =>
        Confirm(order, stallId, [.. order.Lines.Where(l => l.StallId == stallId).Select(l => new PickConfirmation(l.Sku, l.Quantity))]);
}
