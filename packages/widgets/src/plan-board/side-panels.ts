// People, money and chat: the board's side panels, fetched in one go once its first screen shows.
import "../plan-chat/plan-chat.js";
import "../plan-money/plan-money.js";
import "../plan-people/plan-people.js";
