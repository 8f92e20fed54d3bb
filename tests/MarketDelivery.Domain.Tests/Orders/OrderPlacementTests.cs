using System.Collections.Immutable;
using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Orders;
using static MarketDelivery.Domain.Tests.Orders.OrderTestData;

namespace MarketDelivery.Domain.Tests.Orders;

public sealed class OrderPlacementTests
{
    [Fact]
    public void A_good_multi_stall_basket_is_accepted_and_priced_from_the_catalogue()
    {
        var result = OrderPlacement.Validate(Catalog, Command(), Now);

        Assert.True(result.Succeeded, result.Error?.Detail);
        var validated = result.Value!;
        Assert.Equal(MarketId, validated.Market.Id);
        Assert.Equal(SlotId, validated.Slot.SlotId);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 13, 0, 0, TimeSpan.FromHours(9)), validated.Slot.Start);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 15, 0, 0, TimeSpan.FromHours(9)), validated.Slot.End);
        Assert.Equal([1, 2, 3, 4, 5], validated.Lines.Select(l => l.LineNo));
        Assert.Equal([Chaeso, Gwail, Chaeso, Jeongyuk, Gwail], validated.Lines.Select(l => l.Stall.Id));
        Assert.Equal([2400L, 15300, 2300, 15800, 5000], validated.Lines.Select(l => l.Product.PriceWon));
        Assert.Equal([2, 2, 1, 1, 2], validated.Lines.Select(l => l.Quantity));
        Assert.Equal(OrderPlacement.Fingerprint(Command()), validated.Fingerprint);
    }

    [Fact]
    public void Quantity_up_to_the_limit_and_up_to_the_stock_is_accepted()
    {
        var result = OrderPlacement.Validate(Catalog, Command([Line(Chaeso, "daepa", 99), Line(Gwail, "sagwa-hongro", 3)]), Now);

        Assert.True(result.Succeeded, result.Error?.Detail);
    }

    public static TheoryData<string, PlaceOrder, string> BadCommands()
    {
        var good = Command();
        var data = new TheoryData<string, PlaceOrder, string>
        {
            { "unknown market", good with { MarketId = "nowhere" }, "marketId" },
            { "missing market", good with { MarketId = " " }, "marketId" },
            { "missing customer", good with { CustomerId = "" }, "customerId" },
            { "unknown stall", Command([Line("mangwon-nothing", "daepa", 1)]), "lines[0].stallId" },
            { "stall of another market", Command([Line(Chaeso, "daepa", 1), Line(OtherMarketStall(), OtherMarketSku(), 1)]), "lines[1].stallId" },
            { "unknown sku", Command([Line(Chaeso, "banana", 1)]), "lines[0].sku" },
            { "sku of another stall", Command([Line(Chaeso, "gamgyul", 1)]), "lines[0].sku" },
            { "unavailable product", Command([Line(Chaeso, "daepa", 1), Line(Banchan, "pogi-kimchi", 1)]), "lines[1].sku" },
            { "quantity 0", Command([Line(Chaeso, "daepa", 0)]), "lines[0].quantity" },
            { "negative quantity", Command([Line(Chaeso, "daepa", -2)]), "lines[0].quantity" },
            { "quantity 100", Command([Line(Chaeso, "daepa", 100)]), "lines[0].quantity" },
            { "over stock", Command([Line(Gwail, "sagwa-hongro", 4)]), "lines[0].quantity" },
            { "duplicate line", Command([Line(Chaeso, "daepa", 1), Line(Gwail, "gamgyul", 1), Line(Chaeso, "daepa", 2)]), "lines[2].sku" },
            { "empty lines", Command([]), "lines" },
            { "default lines", good with { Lines = default }, "lines" },
            { "too many lines", Command([.. Enumerable.Range(0, OrderPlacement.MaxLines + 1).Select(_ => Line(Chaeso, "daepa", 1))]), "lines" },
            { "address outside the service area", good with { DeliveryAddress = new DeliveryAddress(37.5665, 126.9780, "서울시청") }, "deliveryAddress" },
            { "address with latitude out of range", good with { DeliveryAddress = new DeliveryAddress(91, 126.9063, "somewhere") }, "deliveryAddress" },
            { "missing address text", good with { DeliveryAddress = Address with { Text = "  " } }, "deliveryAddress.text" },
            { "address text too long", good with { DeliveryAddress = Address with { Text = new string('가', 201) } }, "deliveryAddress.text" },
            { "unknown slot", good with { SlotId = "2026-11-23-0900" }, "slotId" },
            { "malformed slot", good with { SlotId = "tomorrow" }, "slotId" },
            { "slot the day after tomorrow", good with { SlotId = "2026-11-25-1300" }, "slotId" },
            { "missing slot", good with { SlotId = "" }, "slotId" },
            { "slot past its cut-off", good with { SlotId = PastCutoffSlotId }, "slotId" },
            { "specific substitution naming an unknown sku", Command([Line(Chaeso, "daepa", 1, new Substitution(SubstitutionKind.Specific, "banana"))]), "lines[0].substitution.sku" },
            { "specific substitution without a sku", Command([Line(Chaeso, "daepa", 1, new Substitution(SubstitutionKind.Specific))]), "lines[0].substitution.sku" },
            { "specific substitution naming itself", Command([Line(Chaeso, "daepa", 1, new Substitution(SubstitutionKind.Specific, "daepa"))]), "lines[0].substitution.sku" },
            { "specific substitution from another stall", Command([Line(Chaeso, "daepa", 1, new Substitution(SubstitutionKind.Specific, "gamgyul"))]), "lines[0].substitution.sku" },
            { "substitute sku with kind none", Command([Line(Chaeso, "daepa", 1, new Substitution(SubstitutionKind.None, "jjokpa"))]), "lines[0].substitution.sku" },
            { "substitute sku with kind best match", Command([Line(Chaeso, "daepa", 1, new Substitution(SubstitutionKind.BestMatch, "jjokpa"))]), "lines[0].substitution.sku" },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(BadCommands))]
    public void A_bad_input_is_refused_with_its_field_key(string because, PlaceOrder command, string field)
    {
        var result = OrderPlacement.Validate(Catalog, command, Now);

        Assert.False(result.Succeeded, because);
        Assert.Null(result.Value);
        var error = result.Error!;
        Assert.Equal(ErrorKind.Invalid, error.Kind);
        Assert.NotNull(error.Fields);
        Assert.True(error.Fields.ContainsKey(field), $"{because}: expected '{field}' among [{string.Join(", ", error.Fields.Keys)}]");
        Assert.All(error.Fields[field], m => Assert.False(string.IsNullOrWhiteSpace(m)));
        // Exactly the one thing that is wrong is reported (the base command is valid).
        Assert.Equal([field], error.Fields.Keys);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var command = new PlaceOrder(
            "cust-1", MarketId, Address with { Text = "" }, PastCutoffSlotId,
            [Line(Chaeso, "daepa", 0), Line("nope", "daepa", 1), Line(Gwail, "banana", 1)], null);

        var error = OrderPlacement.Validate(Catalog, command, Now).Error!;

        Assert.Equal(
            ["deliveryAddress.text", "lines[0].quantity", "lines[1].stallId", "lines[2].sku", "slotId"],
            error.Fields!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_unknown_market_is_reported_without_checking_its_stalls()
    {
        var error = OrderPlacement.Validate(Catalog, Command() with { MarketId = "nowhere" }, Now).Error!;

        Assert.Equal(["marketId"], error.Fields!.Keys);
        Assert.Contains("nowhere", error.Fields["marketId"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_basket_is_refused_once_its_slot_cut_off_has_passed()
    {
        var atCutoff = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.FromHours(9));

        Assert.True(OrderPlacement.Validate(Catalog, Command(), atCutoff.AddTicks(-1)).Succeeded);
        var error = OrderPlacement.Validate(Catalog, Command(), atCutoff).Error!;
        Assert.Equal(["slotId"], error.Fields!.Keys);
    }

    [Fact]
    public void Tomorrows_slot_is_bookable()
    {
        Assert.True(OrderPlacement.Validate(Catalog, Command() with { SlotId = "2026-11-24-1100" }, Now).Succeeded);
    }

    [Fact]
    public void Fingerprint_is_equal_for_equal_commands()
    {
        // Built separately, so equality is by content and not by reference.
        var a = Command();
        var b = new PlaceOrder("cust-1", MarketId, new DeliveryAddress(37.556, 126.9063, "서울 마포구 망원동 123-4, 2층"), SlotId,
            [.. MultiStallLines.Select(l => new OrderLineRequest(l.StallId, l.Sku, l.Quantity, new Substitution(l.Substitution.Kind, l.Substitution.Sku)))],
            "another-key");

        Assert.Equal(OrderPlacement.Fingerprint(a), OrderPlacement.Fingerprint(b));
        Assert.Equal(64, OrderPlacement.Fingerprint(a).Length);
    }

    public static TheoryData<string, PlaceOrder> ChangedCommands()
    {
        var good = Command();
        var lines = MultiStallLines;
        return new TheoryData<string, PlaceOrder>
        {
            { "customer", good with { CustomerId = "cust-2" } },
            { "market", good with { MarketId = "tongin" } },
            { "slot", good with { SlotId = "2026-11-23-1500" } },
            { "latitude", good with { DeliveryAddress = Address with { Lat = 37.5561 } } },
            { "longitude", good with { DeliveryAddress = Address with { Lon = 126.9064 } } },
            { "address text", good with { DeliveryAddress = Address with { Text = "서울 마포구 망원동 123-4, 3층" } } },
            { "line stall", good with { Lines = lines.SetItem(3, lines[3] with { StallId = "mangwon-dak" }) } },
            { "line sku", good with { Lines = lines.SetItem(0, lines[0] with { Sku = "jjokpa" }) } },
            { "line quantity", good with { Lines = lines.SetItem(0, lines[0] with { Quantity = 3 }) } },
            { "substitution kind", good with { Lines = lines.SetItem(0, lines[0] with { Substitution = new Substitution(SubstitutionKind.BestMatch) }) } },
            { "substitution sku", good with { Lines = lines.SetItem(1, lines[1] with { Substitution = new Substitution(SubstitutionKind.Specific, "gamgyul") }) } },
            { "a line less", good with { Lines = lines.RemoveAt(4) } },
            { "a line more", good with { Lines = lines.Add(Line("mangwon-dubu", "sukju", 1)) } },
            { "line order", good with { Lines = [lines[1], lines[0], .. lines[2..]] } },
        };
    }

    [Theory]
    [MemberData(nameof(ChangedCommands))]
    public void Fingerprint_differs_when_any_field_differs(string field, PlaceOrder changed)
    {
        Assert.NotEqual(OrderPlacement.Fingerprint(Command()), OrderPlacement.Fingerprint(changed));
        Assert.False(string.IsNullOrEmpty(field));
    }

    [Fact]
    public void Fingerprint_ignores_the_idempotency_key_which_chooses_the_order_instead()
    {
        Assert.Equal(OrderPlacement.Fingerprint(Command()), OrderPlacement.Fingerprint(Command() with { IdempotencyKey = null }));
    }

    private static string OtherMarketStall() => Catalog.FindMarket("tongin")!.Stalls[0].Id;

    private static string OtherMarketSku() => Catalog.FindMarket("tongin")!.Stalls[0].Products[0].Sku;
}
