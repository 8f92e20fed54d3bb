using System.Net;
using MarketDelivery.Routing.Model;
using MarketDelivery.Routing.Travel;
using static MarketDelivery.Routing.Tests.TestProblems;

namespace MarketDelivery.Routing.Tests;

public class TravelTests
{
    // Gwangjang market, Dongdaemun, Sindang (Seoul).
    private static readonly Location[] Seoul =
    [
        new("gwangjang", 126.9997, 37.5700),
        new("dongdaemun", 127.0095, 37.5702),
        new("sindang", 127.0256, 37.5660),
    ];

    private sealed class RecordedHandler(string body, HttpStatusCode status = HttpStatusCode.OK) : HttpMessageHandler
    {
        public List<Uri> Requests { get; } = [];

        private HttpResponseMessage Reply(HttpRequestMessage request)
        {
            Requests.Add(request.RequestUri!);
            return new HttpResponseMessage(status) { Content = new StringContent(body) };
        }

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) => Reply(request);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Reply(request));
    }

    [Fact]
    public void Osrm_table_response_becomes_a_matrix_and_the_request_names_the_profile_and_coordinates()
    {
        var handler = new RecordedHandler(File.ReadAllText(DataFile("osrm-table-3.json")));
        using var http = new HttpClient(handler);
        var client = new OsrmTableClient(http, new Uri("http://osrm.local:5000/"));
        var m = client.GetMatrix(Seoul, TravelMode.Bicycle, CancellationToken.None);
        Assert.Equal(3, m.Size);
        Assert.Equal(312.4, m.Duration(0, 1));
        Assert.Equal(398.2, m.Duration(2, 1));
        Assert.Equal(4421.3, m.Distance(0, 2));
        var uri = Assert.Single(handler.Requests).ToString();
        Assert.Equal("http://osrm.local:5000/table/v1/bike/126.9997,37.57;127.0095,37.5702;127.0256,37.566?annotations=duration,distance", uri);
    }

    [Fact]
    public async Task Osrm_async_fetch_feeds_a_solve_through_a_fixed_source()
    {
        var handler = new RecordedHandler(File.ReadAllText(DataFile("osrm-table-3.json")));
        using var http = new HttpClient(handler);
        var client = new OsrmTableClient(http, new Uri("http://osrm.local:5000"));
        var matrix = await client.GetMatrixAsync(Seoul, TravelMode.Scooter, CancellationToken.None);
        var source = new FixedTravelMatrixSource(new Dictionary<TravelMode, TravelMatrix> { [TravelMode.Scooter] = matrix });
        var problem = Problem(Seoul, [new Vehicle("rider", "gwangjang", "gwangjang", new TimeWindow(0, 3600), [10])],
            [J("a", "dongdaemun"), J("b", "sindang")]);
        var plan = SolveValid(problem, travel: source);
        // By distance (the default cost) the loop runs the other way round: 4421.3 + 2861.2 + 2098.1.
        Assert.Equal(4421.3 + 2861.2 + 2098.1, plan.Routes.Single().Distance, 6);
        Assert.Equal(598.1 + 398.2 + 305.9, plan.Routes.Single().TravelSeconds, 6);
        Assert.Contains("/table/v1/car/", handler.Requests.Single().ToString());
    }

    [Fact]
    public void Osrm_error_code_is_reported()
    {
        var handler = new RecordedHandler(File.ReadAllText(DataFile("osrm-error.json")), HttpStatusCode.BadRequest);
        using var http = new HttpClient(handler);
        var client = new OsrmTableClient(http, new Uri("http://osrm.local:5000"));
        var e = Assert.Throws<OsrmException>(() => client.GetMatrix(Seoul, TravelMode.Car, CancellationToken.None));
        Assert.Contains("InvalidQuery", e.Message);
        Assert.Contains("malformed", e.Message);
    }

    [Fact]
    public void Osrm_unreachable_pair_is_infinite()
    {
        const string body = """{"code":"Ok","durations":[[0,null],[5,0]],"distances":[[0,null],[40,0]]}""";
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body));
        var m = OsrmTableClient.Parse(stream, 2);
        Assert.True(double.IsPositiveInfinity(m.Duration(0, 1)));
        Assert.Equal(5, m.Duration(1, 0));
    }

    [Theory]
    [InlineData(SolverStrategy.OrToolsThenRuinRecreate)]
    [InlineData(SolverStrategy.OrToolsOnly)]
    public void Unreachable_customer_is_left_out_with_a_reason(SolverStrategy strategy)
    {
        // OSRM answers null between the market and the island: no route can serve it.
        const string body = """
            {"code":"Ok",
             "durations":[[0,100,null],[100,0,null],[null,null,0]],
             "distances":[[0,800,null],[800,0,null],[null,null,0]]}
            """;
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body));
        var matrix = OsrmTableClient.Parse(stream, 3);
        var source = new FixedTravelMatrixSource(new Dictionary<TravelMode, TravelMatrix> { [TravelMode.Scooter] = matrix });
        var problem = Problem([L("market", 0, 0), L("shop", 1, 0), L("island", 2, 0)],
            [new Vehicle("rider", "market", "market", new TimeWindow(0, 3600), [10])],
            [J("shop", "shop"), J("island", "island")]);
        var plan = SolveValid(problem, Fast(strategy), source);
        Assert.Equal(["shop"], Order(plan.Routes.Single()));
        var u = Assert.Single(plan.Unassigned);
        Assert.Equal("island", u.JobId);
        Assert.Equal(Plans.UnassignedReason.WindowUnreachable, u.Reason);
    }

    [Fact]
    public void Great_circle_uses_haversine_circuity_and_mode_speed()
    {
        // One degree of latitude is about 111.2 km.
        Assert.Equal(111_195, GreatCircleTravelSource.HaversineMetres(127, 37, 127, 38), 0);
        var source = new GreatCircleTravelSource(circuityFactor: 1.5);
        var places = new[] { new Location("a", 127, 37), new Location("b", 127, 37.01) };
        var walk = source.GetMatrix(places, TravelMode.Walk, CancellationToken.None);
        var scooter = source.GetMatrix(places, TravelMode.Scooter, CancellationToken.None);
        var metres = GreatCircleTravelSource.HaversineMetres(127, 37, 127, 37.01) * 1.5;
        Assert.Equal(metres, walk.Distance(0, 1), 6);
        Assert.Equal(metres / (4.5 / 3.6), walk.Duration(0, 1), 6);
        Assert.Equal(metres / (22 / 3.6), scooter.Duration(0, 1), 6);
        Assert.Equal(0, walk.Duration(1, 1));
    }

    [Fact]
    public void Couriers_with_different_modes_get_their_own_travel_times()
    {
        var problem = Problem(
            [new Location("market", 127, 37), new Location("home", 127, 37.01)],
            [
                new Vehicle("walker", "market", "market", new TimeWindow(0, 7200), [10], TravelMode.Walk),
            ],
            [J("a", "home")]);
        var plan = SolveValid(problem, travel: new GreatCircleTravelSource());
        var route = plan.Routes.Single();
        var oneWay = GreatCircleTravelSource.HaversineMetres(127, 37, 127, 37.01) * 1.3 / (4.5 / 3.6);
        Assert.Equal(2 * oneWay, route.TravelSeconds, 6);
    }
}
