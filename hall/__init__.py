"""The hall (取号叫号): tickets, the queue of every window, appointments (预约) and the
hall's figures. Sits between feedback and supervision in the layers (docs/architecture.md
"The hall")."""
