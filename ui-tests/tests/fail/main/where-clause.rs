// The error must point at the `where` clause.
#[goro::main]
fn main()
where
    u8: Copy,
{
}
