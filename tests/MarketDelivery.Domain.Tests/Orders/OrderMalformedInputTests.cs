using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Orders;
using static MarketDelivery.Domain.Tests.Orders.OrderTestData;

namespace MarketDelivery.Domain.Tests.Orders;

/// <summary>
/// Input that JSON or a grain call can carry although the types say otherwise (null elements), and free text that
/// contains the fingerprint's separators. Such input must be refused or told apart, never crash or be confused.
/// </summary>
public sealed class OrderMalformedInputTests
{
    [Fact]
    public void A_null_line_in_a_basket_is_refused_with_its_field_key()
    {
        var error = OrderPlacement.Validate(Catalog, Command([Line(Chaeso, "daepa", 1), null!]), Now).Error!;

        Assert.Equal(ErrorKind.Invalid, error.Kind);
        Assert.Equal(["lines[1]"], error.Fields!.Keys);
    }

    [Fact]
    public void A_null_line_in_a_ticket_confirmation_is_refused_not_thrown()
    {
        // JSON "lines": [null, {...}] reaches the order grain like this through the stalls API.
        var order = NewOrder();

        var result = Confirm(order, Chaeso, null!, new PickConfirmation("daepa", 2), new PickConfirmation("mu", 1));

        Assert.False(result.Succeeded);
        Assert.Equal(ErrorKind.Invalid, result.Error!.Kind);
        Assert.Contains("lines[0]", result.Error.Fields!.Keys);
        Assert.All(order.Lines, l => Assert.Null(l.Pick));
    }

    [Fact]
    public void Fingerprint_of_a_basket_with_a_null_line_does_not_throw()
    {
        // The order grain fingerprints a retry before validating it, so a retry with a null line reaches this.
        var withNull = Command([Line(Chaeso, "daepa", 1), null!]);

        var fingerprint = OrderPlacement.Fingerprint(withNull);

        Assert.NotEqual(OrderPlacement.Fingerprint(Command([Line(Chaeso, "daepa", 1)])), fingerprint);
    }

    [Fact]
    public void Fingerprint_tells_apart_an_address_text_that_contains_the_separators_of_a_line()
    {
        // Same customer, same key, so the same order grain: B must be an idempotency mismatch, not a replay of A.
        var a = Command([Line(Chaeso, "daepa", 2), Line(Gwail, "gamgyul", 1)]);
        var b = Command([Line(Gwail, "gamgyul", 1)]) with
        {
            DeliveryAddress = Address with { Text = Address.Text + "|mangwon-chaeso:daepa:2:None:" },
        };

        Assert.NotEqual(OrderPlacement.Fingerprint(a), OrderPlacement.Fingerprint(b));
    }
}
