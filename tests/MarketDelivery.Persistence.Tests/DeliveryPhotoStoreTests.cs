using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Orders;
using MarketDelivery.Persistence.Orders;
using Npgsql;

namespace MarketDelivery.Persistence.Tests;

/// <summary>Delivery photos on each backend: stored with their order, read back byte for byte, written once.</summary>
public sealed class DeliveryPhotoStoreTests(MigratedPostgresDatabase postgres) : IClassFixture<MigratedPostgresDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 13, 5, 0, TimeSpan.FromHours(9));

    private readonly string _sqliteFile = Path.Combine(Path.GetTempPath(), $"md-photostore-{Guid.NewGuid():N}.db");
    private NpgsqlDataSource? _dataSource;
    private readonly MemoryDeliveryPhotoStore _memory = new();

    public async Task InitializeAsync()
    {
        await new SchemaMigrator().MigrateAsync(DatabaseKind.Sqlite, PersistenceOptions.SqliteConnectionString(_sqliteFile));
        _dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_sqliteFile);
    }

    public static TheoryData<string> Backends => ["postgres", "sqlite", "memory"];

    private IDeliveryPhotoStore Store(string backend, string serviceId) => backend switch
    {
        "postgres" => new PostgresDeliveryPhotoStore(_dataSource!, serviceId),
        "sqlite" => new SqliteDeliveryPhotoStore(PersistenceOptions.SqliteConnectionString(_sqliteFile), serviceId),
        _ => _memory,
    };

    /// <summary>A PNG signature followed by seeded random bytes: every byte value occurs, so nothing may be re-encoded.</summary>
    private static byte[] PhotoBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        signature.CopyTo(bytes, 0);
        return bytes;
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task A_photo_is_read_back_byte_for_byte_with_its_type_courier_and_time(string backend)
    {
        var store = Store(backend, $"svc-{Guid.NewGuid():N}");
        var content = PhotoBytes(300_000, seed: 7);
        var photo = new DeliveryPhoto("o-photo-roundtrip", PhotoFormats.PhotoId(content), "rider-a", PhotoFormats.Png, content, Now);

        await store.SaveAsync(photo);
        var read = await store.ReadAsync(photo.OrderId, photo.PhotoId);

        Assert.NotNull(read);
        Assert.Equal(content, read.Content);
        Assert.Equal(PhotoFormats.Png, read.ContentType);
        Assert.Equal("rider-a", read.CourierId);
        Assert.Equal(Now, read.UploadedAt);
        Assert.Null(await store.ReadAsync(photo.OrderId, "ph-000000000000000000000000"));
        Assert.Null(await store.ReadAsync("o-another-order", photo.PhotoId));
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Saving_the_same_photo_again_keeps_the_first_upload(string backend)
    {
        var store = Store(backend, $"svc-{Guid.NewGuid():N}");
        var content = PhotoBytes(1_000, seed: 11);
        var first = new DeliveryPhoto("o-photo-twice", PhotoFormats.PhotoId(content), "rider-a", PhotoFormats.Png, content, Now);

        await store.SaveAsync(first);
        await store.SaveAsync(first with { CourierId = "rider-b", UploadedAt = Now.AddMinutes(5) });

        var read = await store.ReadAsync(first.OrderId, first.PhotoId);
        Assert.Equal("rider-a", read!.CourierId);
        Assert.Equal(Now, read.UploadedAt);
    }

    [Fact]
    public async Task Photos_of_one_service_are_not_read_by_another_on_the_same_database()
    {
        var content = PhotoBytes(500, seed: 3);
        var photo = new DeliveryPhoto("o-photo-service", PhotoFormats.PhotoId(content), "rider-a", PhotoFormats.Png, content, Now);
        await Store("postgres", "svc-one").SaveAsync(photo);

        Assert.NotNull(await Store("postgres", "svc-one").ReadAsync(photo.OrderId, photo.PhotoId));
        Assert.Null(await Store("postgres", "svc-two").ReadAsync(photo.OrderId, photo.PhotoId));
    }
}
