using MarketDelivery.Contracts.Markets;
using MarketDelivery.Grains.Tests.Support;

namespace MarketDelivery.Grains.Tests;

/// <summary>The fleet advice grain on a 2-silo cluster: one computation however many ask, then the cached advice.</summary>
public sealed class FleetAdviceGrainTests(GrainClusterFixture fixture) : IClassFixture<GrainClusterFixture>
{
    [Fact]
    public async Task Callers_arriving_while_the_advice_is_computed_share_one_computation_and_then_the_cache()
    {
        // The cluster's business day is 2026-11-23; mangwon has no orders here, so the demand model is the basis.
        var grain = fixture.Cluster.GrainFactory.GetGrain<IFleetAdviceGrain>(FleetAdviceKeys.Of("mangwon", new DateOnly(2026, 11, 24)));
        var first = await grain.Get(TimeSpan.Zero);
        Assert.True(first.Computing);
        Assert.Null(first.Advice);

        var deadline = DateTime.UtcNow.AddMinutes(3);
        FleetAdviceAnswer[] answers;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, "no advice within 3 minutes");
            answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => grain.Get(TimeSpan.FromSeconds(5))));
        }
        while (answers.Any(a => a.Advice is null));

        Assert.All(answers, a => Assert.Equal((1, "model"), (a.Advice!.Run, a.Advice.Basis)));
        var cached = await grain.Get(TimeSpan.Zero);
        Assert.False(cached.Computing);
        Assert.Equal(1, cached.Advice!.Run);
        Assert.True(cached.Advice.Fleet >= 1 && cached.Advice.Hours.Length > 0);
        // A market in no district is a district of its own: its own slots and couriers.
        Assert.Equal(("mangwon", "mangwon"), (cached.Advice.MarketId, cached.Advice.DistrictId));
        Assert.Equal("mangwon", Assert.Single(cached.Advice.MarketIds));
        Assert.All(cached.Advice.Slots, s => Assert.Equal("mangwon", s.MarketId));
    }
}
