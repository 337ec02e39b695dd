// `select!` inside `go!({ ... })`: the block clones the channels its arms name (operands,
// send values and bodies), copies `Copy` values, and leaves the names the arms bind alone,
// so the caller's non-Share `j` below is not captured (that would not compile).
use goro::prelude::*;

#[goro::main]
fn main() {
    let (jobs, results, quit, finished) = (chan![i32], chan![i32], chan![()], chan![&str]);
    let bonus = 100;
    let j = String::from("the caller's, never captured");
    go!({
        loop {
            select! {
                case j := <-jobs => {
                    let j = j.unwrap();
                    select! { results <- j * 2 + bonus => {} }
                }
                case <-quit => {
                    finished.send("quit");
                    return;
                }
            }
        }
    });
    for i in 1..=3 {
        jobs.send(i);
        assert_eq!(results.recv(), Some(i * 2 + 100));
    }
    quit.close(); // still the caller's: the block took a clone
    assert_eq!(finished.recv(), Some("quit"));
    assert_eq!(j.len(), 28);
}
