// A spec of two areas (one folder each) generated outside descope-api. The outer invocation
// resolves the folder and leaves the contents of each area's module to a nested invocation,
// which reuses its model; `area_again` below is such a nested invocation on its own, with a
// fingerprint that matches no model in memory, so it resolves the folder itself.
descope_api::generate! {
    spec: "../../specs/areas",
    relative_to: file,
    client_ext: Shop,
}

mod area_again {
    descope_api::generate! {
        spec: "../../specs/areas",
        relative_to: file,
        client_ext: Unused,
        __area: "shop",
        __key: 0,
    }
}

async fn restock(client: &descope_api::Client) -> Result<(), descope_api::Error> {
    let widget: shop::types::Widget = Shop::widgets(client).load("w-1").await?;
    let colour = widget.colour;
    let _unit: () = Shop::stock(client).recolour(widget.widget_id, colour).await?;
    let _same: area_again::types::Widget = area_again::types::Widget::default();
    Ok(())
}

fn main() {
    let _ = restock;
}
