/** Types for `linebreak` (UAX #14 line break opportunities), which ships none. */
declare module "linebreak" {
  export interface Break {
    /** UTF-16 index where a new line may start. */
    position: number;
    /** True for mandatory breaks (hard line breaks). */
    required: boolean;
  }
  export default class LineBreaker {
    constructor(text: string);
    nextBreak(): Break | null;
  }
}
