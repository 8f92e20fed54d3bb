using MarketDelivery.Domain.Orders;

namespace MarketDelivery.Domain.Tests.Orders;

public sealed class OrderIdsTests
{
    [Fact]
    public void FromIdempotencyKey_is_deterministic_and_looks_like_an_order_id()
    {
        var a = OrderIds.FromIdempotencyKey("cust-1", "key-1");
        var b = OrderIds.FromIdempotencyKey(new string("cust-1".ToCharArray()), new string("key-1".ToCharArray()));

        Assert.Equal(a, b);
        Assert.StartsWith("o-", a, StringComparison.Ordinal);
        Assert.Equal(18, a.Length);
        Assert.True(OrderIds.LooksLikeOrderId(a), a);
    }

    [Fact]
    public void FromIdempotencyKey_differs_per_customer_and_per_key()
    {
        var ids = new[]
        {
            OrderIds.FromIdempotencyKey("cust-1", "key-1"),
            OrderIds.FromIdempotencyKey("cust-2", "key-1"),
            OrderIds.FromIdempotencyKey("cust-1", "key-2"),
            OrderIds.FromIdempotencyKey("key-1", "cust-1"),
            OrderIds.FromIdempotencyKey("cust-1key-1", ""),
            OrderIds.FromIdempotencyKey("", "cust-1key-1"),
        };

        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.True(OrderIds.LooksLikeOrderId(id), id));
    }

    [Fact]
    public void Random_ids_look_like_order_ids_and_differ()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => OrderIds.NewRandom()).ToList();

        Assert.All(ids, id => Assert.True(OrderIds.LooksLikeOrderId(id), id));
        Assert.Equal(100, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("")]
    [InlineData("o-")]
    [InlineData("o-abcdefghijkmnpq")]     // 15 characters
    [InlineData("o-abcdefghijkmnpqrs")]   // 17 characters
    [InlineData("x-abcdefghijkmnpqr")]
    [InlineData("O-abcdefghijkmnpqr")]
    [InlineData("o-abcdefghijklmnpq")]    // l is not in the alphabet
    [InlineData("o-abcdefghijkmnopq")]    // nor o
    [InlineData("o-abcdefghijk0mnpq")]    // nor 0
    [InlineData("o-abcdefghijk1mnpq")]    // nor 1
    [InlineData("o-ABCDEFGHIJKMNPQR")]
    [InlineData("o-abcdefghijkmnpqr-t1")]
    public void LooksLikeOrderId_rejects_other_text(string text)
    {
        Assert.False(OrderIds.LooksLikeOrderId(text));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(12)]
    public void OrderIdOfTicket_round_trips_a_ticket_id(int ticketNo)
    {
        var orderId = OrderIds.FromIdempotencyKey("cust-1", "key-1");

        var ticketId = OrderIds.TicketId(orderId, ticketNo);

        Assert.Equal($"{orderId}-t{ticketNo}", ticketId);
        Assert.Equal(orderId, OrderIds.OrderIdOfTicket(ticketId));
    }

    [Fact]
    public void OrderIdOfTicket_round_trips_a_random_order_id()
    {
        var orderId = OrderIds.NewRandom();

        Assert.Equal(orderId, OrderIds.OrderIdOfTicket(OrderIds.TicketId(orderId, 3)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("junk")]
    [InlineData("o-abcdefghijkmnpqr")]       // an order id, not a ticket id
    [InlineData("o-abcdefghijkmnpqr-t")]
    [InlineData("o-abcdefghijkmnpqr-t0")]
    [InlineData("o-abcdefghijkmnpqr-t-1")]
    [InlineData("o-abcdefghijkmnpqr-tx")]
    [InlineData("o-abcdefghijkmnpqr-t1x")]
    [InlineData("x-abcdefghijkmnpqr-t1")]
    [InlineData("-t1")]
    [InlineData("o--t1")]
    [InlineData("o-abcdefghijkmnpqr-t99999999999")]
    public void OrderIdOfTicket_rejects_junk(string text)
    {
        Assert.Null(OrderIds.OrderIdOfTicket(text));
    }
}
